import { createHash, timingSafeEqual } from 'node:crypto';
import { hmac, matchesDigest } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';

/** Meta: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. No timestamp is signed. */
export function verifyWhatsappSignature(header: string | undefined, rawBody: Buffer, appSecrets: string[]): void {
  if (!header) throw new WebhookRejection('missing_signature', 'missing X-Hub-Signature-256 header');
  const match = /^sha256=([0-9a-f]+)$/i.exec(header.trim());
  if (!match?.[1]) throw new WebhookRejection('invalid_signature', 'X-Hub-Signature-256 is not of the form sha256=<hex>');
  const signature = match[1];
  if (!appSecrets.some((secret) => matchesDigest(hmac('sha256', secret, rawBody), signature, 'hex'))) throw new WebhookRejection('invalid_signature', 'X-Hub-Signature-256 does not match the payload for any configured app secret');
}

/** Hashing first makes the comparison constant-time even when the lengths differ. */
export function verifyTokenMatches(candidate: string, tokens: string[]): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const c = digest(candidate);
  return tokens.reduce((ok, token) => timingSafeEqual(c, digest(token)) || ok, false);
}
