import { hmac, matchesDigest } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';

/**
 * `X-Razorpay-Signature`: hex HMAC-SHA256(webhook secret, raw body). Razorpay signs no timestamp,
 * so there is no replay window; the event id header deduplicates replays instead.
 */
export function verifyRazorpaySignature(header: string | undefined, rawBody: Buffer, secrets: string[]): void {
  if (!header) throw new WebhookRejection('missing_signature', 'missing X-Razorpay-Signature header');
  const signature = header.trim();
  const ok = secrets.some((secret) => matchesDigest(hmac('sha256', secret, rawBody), signature, 'hex'));
  if (!ok) throw new WebhookRejection('invalid_signature', 'X-Razorpay-Signature does not match the payload for any configured secret');
}
