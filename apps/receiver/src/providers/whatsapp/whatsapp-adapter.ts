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
});
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
