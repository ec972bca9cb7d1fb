import { hmac, matchesDigest } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';

export const STANDARD_TOLERANCE_SECONDS = 300;

/** `whsec_<base64>` secrets are the base64 of the key; a bare string is taken as the base64 key too. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

export interface StandardHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * Standard Webhooks v1: base64 HMAC-SHA256 over `${id}.${timestamp}.${body}`; the signature header is
 * a space-separated list of `v1,<sig>` (several during rotation). v1a (ed25519) is verified with
 * the sender's public keys when the connection has them.
 */
export function verifyStandardSignature(h: StandardHeaders, rawBody: Buffer, secrets: string[], now: Date, verifyV1a?: (payload: Buffer, signature: string) => boolean): void {
  if (!h.id || !h.timestamp || !h.signature) throw new WebhookRejection('missing_signature', 'missing webhook-id, webhook-timestamp or webhook-signature header');
  if (!/^\d+$/.test(h.timestamp)) throw new WebhookRejection('invalid_signature', 'webhook-timestamp is not a unix timestamp');
  const payload = Buffer.concat([Buffer.from(`${h.id}.${h.timestamp}.`), rawBody]);
  const candidates = h.signature.split(' ').map((s) => s.split(',', 2) as [string, string | undefined]);
  const ok = candidates.some(([version, sig]) => {
    if (!sig) return false;
    if (version === 'v1') return secrets.some((secret) => matchesDigest(hmac('sha256', keyOf(secret), payload), sig, 'base64'));
    if (version === 'v1a' && verifyV1a) return verifyV1a(payload, sig);
    return false;
  });
  if (!ok) throw new WebhookRejection('invalid_signature', 'webhook-signature does not match the payload for any configured secret');
  const age = Math.abs(now.getTime() / 1000 - Number(h.timestamp));
  if (age > STANDARD_TOLERANCE_SECONDS) throw new WebhookRejection('stale_timestamp', `webhook-timestamp is ${Math.round(age)} s away from now (tolerance ${STANDARD_TOLERANCE_SECONDS} s)`);
}
