import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { hmac, matchesDigest } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';

export const STANDARD_TOLERANCE_SECONDS = 300;

/** `whsec_<base64>` secrets are the base64 of the key; a bare string is taken as the base64 key too. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/** The raw 32-byte ed25519 key inside `whpk_<base64>`, or null when it is not one. */
export function rawPublicKey(value: string): Buffer | null {
  const b64 = value.startsWith('whpk_') ? value.slice(5) : value;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const raw = Buffer.from(b64, 'base64');
  return raw.length === 32 ? raw : null;
}

/** Node takes raw ed25519 keys only as JWK. */
export function ed25519PublicKey(value: string): KeyObject {
  const raw = rawPublicKey(value);
  if (!raw) throw new Error('not a whpk_ ed25519 public key (32 bytes, base64)');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export interface StandardHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export interface StandardKeys {
  /** v1 shared secrets (`whsec_...`). */
  secrets: string[];
  /** v1a sender public keys. */
  publicKeys: KeyObject[];
}

function v1aMatches(payload: Buffer, signature: string, keys: KeyObject[]): boolean {
  const sig = Buffer.from(signature, 'base64');
  if (sig.length !== 64) return false;
  return keys.some((key) => verifySignature(null, payload, key, sig));
}

/**
 * Standard Webhooks: the signed content is `${id}.${timestamp}.${body}`; the signature header is a
 * space-separated list of `v1,<base64 HMAC-SHA256>` and `v1a,<base64 ed25519>` entries (several
 * during rotation). Any entry matching any configured secret or public key passes.
 */
export function verifyStandardSignature(h: StandardHeaders, rawBody: Buffer, keys: StandardKeys, now: Date): void {
  if (!h.id || !h.timestamp || !h.signature) throw new WebhookRejection('missing_signature', 'missing webhook-id, webhook-timestamp or webhook-signature header');
  if (!/^\d+$/.test(h.timestamp)) throw new WebhookRejection('invalid_signature', 'webhook-timestamp is not a unix timestamp');
  const payload = Buffer.concat([Buffer.from(`${h.id}.${h.timestamp}.`), rawBody]);
  const candidates = h.signature.split(' ').map((s) => s.split(',', 2) as [string, string | undefined]);
  const ok = candidates.some(([version, sig]) => {
    if (!sig) return false;
    if (version === 'v1') return keys.secrets.some((secret) => matchesDigest(hmac('sha256', keyOf(secret), payload), sig, 'base64'));
    if (version === 'v1a') return v1aMatches(payload, sig, keys.publicKeys);
    return false;
  });
  if (!ok) {
    const configured = [keys.secrets.length ? 'v1 secret' : '', keys.publicKeys.length ? 'v1a public key' : ''].filter(Boolean).join(' or ');
    throw new WebhookRejection('invalid_signature', `webhook-signature does not match the payload for any configured ${configured}`);
  }
  const age = Math.abs(now.getTime() / 1000 - Number(h.timestamp));
  if (age > STANDARD_TOLERANCE_SECONDS) throw new WebhookRejection('stale_timestamp', `webhook-timestamp is ${Math.round(age)} s away from now (tolerance ${STANDARD_TOLERANCE_SECONDS} s)`);
}
