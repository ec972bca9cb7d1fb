import { createHmac } from 'node:crypto';
import { FormRejection } from './form-rejection';
import { verifyFormSecret } from './verify-form-secret';

const secret = 'shh-form-secret';
const body = Buffer.from('{"email":"a@example.com"}');
const sig = (b: Buffer, s = secret) => `sha256=${createHmac('sha256', s).update(b).digest('hex')}`;

function reasonOf(headers: Record<string, string>): string | undefined {
  try {
    verifyFormSecret(headers, body, secret);
    return undefined;
  } catch (err) {
    if (err instanceof FormRejection) return `${err.status} ${err.reason}: ${err.message}`;
    throw err;
  }
}

describe('verifyFormSecret', () => {
  it('accepts the secret itself or an HMAC of the raw body (any hex case)', () => {
    expect(reasonOf({ 'x-switchyard-form-secret': secret })).toBeUndefined();
    expect(reasonOf({ 'x-switchyard-signature': sig(body) })).toBeUndefined();
    expect(reasonOf({ 'x-switchyard-signature': sig(body).toUpperCase().replace('SHA256', 'sha256') })).toBeUndefined();
  });

  it('names the header that is missing or wrong, never the secret', () => {
    expect(reasonOf({})).toMatch(/^401 missing_secret: .*X-Switchyard-Form-Secret.*X-Switchyard-Signature/);
    expect(reasonOf({ 'x-switchyard-form-secret': `${secret}x` })).toBe('401 invalid_secret: X-Switchyard-Form-Secret is wrong');
    expect(reasonOf({ 'x-switchyard-signature': sig(body, 'other') })).toBe('401 invalid_signature: X-Switchyard-Signature does not match the body');
    expect(reasonOf({ 'x-switchyard-signature': 'sha1=abc' })).toBe('401 invalid_signature: X-Switchyard-Signature must be sha256=<64 hex digits>');
  });
});
