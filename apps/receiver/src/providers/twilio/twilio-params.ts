import { WebhookRejection } from '../webhook-rejection';
import type { InboundRequest } from '../provider-adapter';

/** POST parameters; a key may repeat (Twilio signs every value). */
export type TwilioParams = Record<string, string[]>;

/**
 * Twilio posts forms; some products post JSON, signing the URL (which then carries
 * `bodySHA256`) with no parameters. Anything else is not from Twilio.
 */
export function twilioBodyKind(request: InboundRequest): 'form' | 'json' {
  const type = request.headers['content-type'] ?? '';
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return 'form';
  if (/^application\/([a-z.+-]*\+)?json\b/i.test(type)) return 'json';
  throw new WebhookRejection('wrong_content_type', `expected Content-Type application/x-www-form-urlencoded (or application/json with bodySHA256), got "${type || 'none'}"`);
}

export function formParams(rawBody: Buffer): TwilioParams {
  const params: TwilioParams = {};
  for (const [k, v] of new URLSearchParams(rawBody.toString('utf8'))) (params[k] ??= []).push(v);
  return params;
}

/** One value per key (the first), for reading the fields we map. */
export function flatten(params: TwilioParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (v[0] === undefined ? [] : [[k, v[0]]])));
}
