import { hmac, matchesDigest } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';

export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>]`: HMAC-SHA256(secret, `${t}.${rawBody}`). Any v1
 * matching any configured secret passes, which is how both sides rotate secrets.
 */
export function verifyStripeSignature(header: string | undefined, rawBody: Buffer, secrets: string[], now: Date): void {
  if (!header) throw new WebhookRejection('missing_signature', 'missing Stripe-Signature header');
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2).map((s) => s.trim());
    if (k === 't') timestamp = v;
    if (k === 'v1' && v) signatures.push(v);
  }
  if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) throw new WebhookRejection('invalid_signature', 'Stripe-Signature header has no timestamp or no v1 signature');
  const payload = Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]);
  const ok = secrets.some((secret) => {
    const expected = hmac('sha256', secret, payload);
    return signatures.some((sig) => matchesDigest(expected, sig, 'hex'));
  });
  if (!ok) throw new WebhookRejection('invalid_signature', 'Stripe-Signature does not match the payload for any configured secret');
  const age = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (age > STRIPE_TOLERANCE_SECONDS) throw new WebhookRejection('stale_timestamp', `Stripe-Signature timestamp is ${Math.round(age)} s away from now (tolerance ${STRIPE_TOLERANCE_SECONDS} s)`);
}
