import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FormRejection } from './form-rejection';

export const SECRET_HEADER = 'x-switchyard-form-secret';
export const SIGNATURE_HEADER = 'x-switchyard-signature';

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * A form with a secret accepts either the secret itself in `X-Switchyard-Form-Secret` (a server-side
 * proxy) or `X-Switchyard-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` (a backend that signs).
 */
export function verifyFormSecret(headers: Record<string, string | undefined>, rawBody: Buffer, secret: string): void {
  const signature = headers[SIGNATURE_HEADER]?.trim();
  const given = headers[SECRET_HEADER];
  if (signature !== undefined) {
    const hex = /^sha256=([0-9a-f]{64})$/i.exec(signature)?.[1];
    if (!hex) throw new FormRejection('invalid_signature', 'X-Switchyard-Signature must be sha256=<64 hex digits>');
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (!timingSafeEqual(Buffer.from(hex, 'hex'), expected)) throw new FormRejection('invalid_signature', 'X-Switchyard-Signature does not match the body');
    return;
  }
  if (given === undefined) throw new FormRejection('missing_secret', 'this form needs the X-Switchyard-Form-Secret header or an X-Switchyard-Signature header');
  if (!sameSecret(given, secret)) throw new FormRejection('invalid_secret', 'X-Switchyard-Form-Secret is wrong');
}
