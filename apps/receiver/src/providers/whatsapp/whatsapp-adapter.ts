import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
import { itemAsIs, type ProviderAdapter } from '../provider-adapter';
import { parseWhatsappEvent, whatsappItemType } from './parse-whatsapp-event';
import { identifyWhatsappItem, splitWhatsappDelivery, type WhatsappItem } from './split-whatsapp-delivery';
import { verifyTokenMatches, verifyWhatsappSignature } from './verify-whatsapp-signature';

const connectionSchema = z.object({
  name: z.string(),
  appSecret: secretListField,
  /** Only needed for the subscription handshake; without it every handshake is refused. */
  verifyToken: secretListField.optional(),
  /**
   * The Graph API version the app's webhook subscription is set to (Meta's App Dashboard): payloads
   * do not say it, so the connection does. Optional; without it events are not checked.
   */
  apiVersion: z.string().regex(/^v\d+\.\d+$/, 'a Graph API version such as v23.0').optional(),
});

/** Graph API versions whose webhook payloads parse-whatsapp-event was checked against (fixtures: v21.0 and v23.0 status shapes). */
export const WHATSAPP_API_VERSIONS = ['v19.0', 'v20.0', 'v21.0', 'v22.0', 'v23.0'] as const;
export type WhatsappConnection = z.infer<typeof connectionSchema>;

export const whatsappAdapter: ProviderAdapter<WhatsappConnection, WhatsappItem> = {
  provider: 'whatsapp',
  connectionSchema,
  verify: (req, conn) => verifyWhatsappSignature(req.headers['x-hub-signature-256'], req.rawBody, conn.appSecret),
  split(req) {
    requireJsonContentType(req);
    return splitWhatsappDelivery(parseJsonBody(req)).map(itemAsIs);
  },
  identify: (event) => identifyWhatsappItem(event),
  typeOf: (event) => whatsappItemType(event),
  apiVersions: { known: WHATSAPP_API_VERSIONS, of: (_event, _req, conn) => conn.apiVersion ?? null },
  parse: (event, ctx) => parseWhatsappEvent(event, ctx),
  handleGet(req, conn) {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode !== 'subscribe' || token === undefined || challenge === undefined)
      throw new WebhookRejection('malformed_body', 'expected a subscription handshake: hub.mode=subscribe with hub.verify_token and hub.challenge');
    if (!conn.verifyToken) throw new WebhookRejection('invalid_verify_token', `no verify token is configured for the WhatsApp connection "${conn.name}" (WHATSAPP_VERIFY_TOKEN)`);
    if (!verifyTokenMatches(token, conn.verifyToken)) throw new WebhookRejection('invalid_verify_token', 'hub.verify_token does not match the configured verify token');
    return { status: 200, contentType: 'text/plain', body: challenge };
  },
};
