import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookRejection } from '../webhook-rejection';

// Hashing first gives equal lengths, so the comparison time says nothing about the expected value.
function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Pipedrive signs nothing: the webhook carries the HTTP Basic credentials chosen when it was
 * created. Any configured password passes (rotation). Messages never echo what was sent.
 */
export function verifyPipedriveCredentials(authorization: string | undefined, user: string, passwords: string[]): void {
  if (!authorization) throw new WebhookRejection('invalid_credentials', 'missing Authorization header');
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!m?.[1]) throw new WebhookRejection('invalid_credentials', 'Authorization header is not HTTP Basic credentials');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new WebhookRejection('invalid_credentials', 'Authorization header is not HTTP Basic credentials');
  const userOk = same(decoded.slice(0, colon), user);
  const passwordOk = passwords.map((p) => same(decoded.slice(colon + 1), p)).includes(true);
  if (!userOk || !passwordOk) throw new WebhookRejection('invalid_credentials', 'wrong credentials');
}
