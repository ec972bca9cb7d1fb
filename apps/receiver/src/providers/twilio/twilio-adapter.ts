import { z } from 'zod';
import { parseJsonBody } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
import { itemAsIs, type ProviderAdapter } from '../provider-adapter';
import { identifyTwilioEvent, parseTwilioEvent, twilioEventType } from './parse-twilio-event';
import { flatten, formParams, twilioBodyKind } from './twilio-params';
import { verifyTwilioSignature } from './verify-twilio-signature';

const connectionSchema = z.object({ name: z.string(), authToken: secretListField });
export type TwilioConnection = z.infer<typeof connectionSchema>;

/** Flat string fields, whether they came as a form or as a JSON object. */
type TwilioItem = Record<string, string>;

function jsonFields(body: unknown): TwilioItem {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new WebhookRejection('malformed_body', 'Twilio JSON body is not an object');
  return Object.fromEntries(Object.entries(body).flatMap(([k, v]) => (typeof v === 'string' || typeof v === 'number' ? [[k, String(v)]] : [])));
}

export const twilioAdapter: ProviderAdapter<TwilioConnection, TwilioItem> = {
  provider: 'twilio',
  connectionSchema,
  verify(req, conn) {
    const header = req.headers['x-twilio-signature'];
    if (!header) throw new WebhookRejection('missing_signature', 'missing X-Twilio-Signature header');
    // Twilio signs the public URL it called, not the one a proxy forwarded to us.
    if (twilioBodyKind(req) === 'form') verifyTwilioSignature(header, req.publicUrl, formParams(req.rawBody), null, conn.authToken);
    else verifyTwilioSignature(header, req.publicUrl, {}, req.rawBody, conn.authToken);
  },
  split(req) {
    const item = twilioBodyKind(req) === 'form' ? flatten(formParams(req.rawBody)) : jsonFields(parseJsonBody(req));
    if (!identifyTwilioEvent(item)) throw new WebhookRejection('malformed_body', 'Twilio request has no MessageSid');
    return [itemAsIs(item)];
  },
  identify: (event) => identifyTwilioEvent(event),
  typeOf: (event) => twilioEventType(event),
  parse: (event, ctx) => parseTwilioEvent(event, ctx),
  // Twilio reads a 200 body as TwiML for inbound messages; an empty Response sends no reply.
  acknowledge: () => ({ status: 200, contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' }),
};
