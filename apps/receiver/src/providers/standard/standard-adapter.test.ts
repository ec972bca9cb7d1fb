import { generateKeyPairSync, sign as ed25519Sign, type KeyObject } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { resolveConnections } from '../../connections/connections';
import type { InboundRequest } from '../provider-adapter';
import { standardAdapter, type StandardConnection } from './standard-adapter';
import { rejectionOf } from '../../../test/support/adapter-kit';
import { must } from '@switchyard/testing';

// v1 signatures come from the standardwebhooks package; no package signs v1a, so the test signs
// ed25519 itself from the spec: base64(ed25519(`${id}.${timestamp}.${body}`)).
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const previous = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const now = new Date('2024-05-01T10:00:00.000Z');
const body = '{"type":"invoice.paid","timestamp":"2024-05-01T09:59:58Z","data":{"invoice":"inv_42"}}';

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(must(publicKey.export({ format: 'jwk' }).x, 'the public key bytes'), 'base64url');
  return { whpk: `whpk_${raw.toString('base64')}`, privateKey };
}
const signer = keyPair();
const other = keyPair();

const v1a = (privateKey: KeyObject, id: string, at: Date, payload = body) => `v1a,${ed25519Sign(null, Buffer.from(`${id}.${Math.floor(at.getTime() / 1000)}.${payload}`), privateKey).toString('base64')}`;

function request(headers: Record<string, string>, payload = body): InboundRequest {
  return { method: 'POST', originalUrl: '/webhooks/standard/acme', publicUrl: 'https://hooks.example.com/webhooks/standard/acme', headers: { 'content-type': 'application/json', ...headers }, query: {}, rawBody: Buffer.from(payload) };
}

function headers(signature: string, id = 'msg_2Lh9', at = now) {
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}

const conn = (raw: Record<string, unknown>): StandardConnection => standardAdapter.connectionSchema.parse({ name: 'acme', ...raw });

function verify(c: StandardConnection, h: Record<string, string>, payload = body) {
  return () => standardAdapter.verify(request(h, payload), c, now);
}


describe('standardAdapter v1 (HMAC)', () => {
  const c = conn({ secret: `${secret},${previous}` });

  it('accepts what standardwebhooks signs, with either rotated secret', () => {
    expect(verify(c, headers(new Webhook(secret).sign('msg_2Lh9', now, body)))).not.toThrow();
    expect(verify(c, headers(new Webhook(previous).sign('msg_2Lh9', now, body)))).not.toThrow();
  });

  it('refuses a wrong secret, a tampered body and another message id', () => {
    expect(rejectionOf(verify(c, headers(new Webhook('whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldA==').sign('msg_2Lh9', now, body)))).message).toBe('webhook-signature does not match the payload for any configured v1 secret');
    expect(rejectionOf(verify(c, headers(new Webhook(secret).sign('msg_2Lh9', now, body)), body.replace('42', '43'))).reason).toBe('invalid_signature');
    expect(rejectionOf(verify(c, headers(new Webhook(secret).sign('msg_other', now, body)))).reason).toBe('invalid_signature');
  });

  it('refuses stale timestamps and missing headers', () => {
    const old = new Date(now.getTime() - 301_000);
    const stale = rejectionOf(verify(c, headers(new Webhook(secret).sign('msg_2Lh9', old, body), 'msg_2Lh9', old)));
    expect(stale.reason).toBe('stale_timestamp');
    expect(stale.message).toBe('webhook-timestamp is 301 s away from now (tolerance 300 s)');
    expect(rejectionOf(verify(c, { 'webhook-id': 'msg_2Lh9' })).reason).toBe('missing_signature');
  });
});

describe('standardAdapter v1a (ed25519)', () => {
  it('accepts a v1a signature from a configured public key, with no v1 secret configured', () => {
    const c = conn({ publicKeys: signer.whpk });
    expect(c.secret).toBeUndefined();
    expect(verify(c, headers(v1a(signer.privateKey, 'msg_2Lh9', now)))).not.toThrow();
  });

  it('accepts any of several public keys (rotation) and a v1a entry beside a non-matching v1', () => {
    const c = conn({ secret, publicKeys: [other.whpk, signer.whpk] });
    expect(verify(c, headers(`v1,${Buffer.alloc(32).toString('base64')} ${v1a(signer.privateKey, 'msg_2Lh9', now)}`))).not.toThrow();
    expect(verify(c, headers(v1a(other.privateKey, 'msg_2Lh9', now)))).not.toThrow();
  });

  it('refuses an unknown key, a tampered body, a v1 entry without secrets and a truncated signature', () => {
    const c = conn({ publicKeys: signer.whpk });
    expect(rejectionOf(verify(c, headers(v1a(other.privateKey, 'msg_2Lh9', now)))).message).toBe('webhook-signature does not match the payload for any configured v1a public key');
    expect(rejectionOf(verify(c, headers(v1a(signer.privateKey, 'msg_2Lh9', now)), body.replace('42', '43'))).reason).toBe('invalid_signature');
    expect(rejectionOf(verify(c, headers(new Webhook(secret).sign('msg_2Lh9', now, body)))).reason).toBe('invalid_signature');
    expect(rejectionOf(verify(c, headers(v1a(signer.privateKey, 'msg_2Lh9', now).slice(0, 40)))).reason).toBe('invalid_signature');
  });

  it('refuses a stale v1a timestamp', () => {
    const old = new Date(now.getTime() - 600_000);
    expect(rejectionOf(verify(conn({ publicKeys: signer.whpk }), headers(v1a(signer.privateKey, 'msg_2Lh9', old), 'msg_2Lh9', old))).reason).toBe('stale_timestamp');
  });
});

describe('standardAdapter connection', () => {
  it('needs a secret or public keys, naming both', () => {
    const res = standardAdapter.connectionSchema.safeParse({ name: 'acme' });
    expect(res.success).toBe(false);
    expect(res.error?.issues.map((i) => i.message)).toContain('needs `secret` (v1) or `publicKeys` (v1a), or both');
  });

  it('is named with both keys when a configured source has neither', () => {
    expect(() => resolveConnections([{ standard: { ledger: { queue: 'crm' } } }])).toThrow('connections.standard.ledger.secret: needs `secret` (v1) or `publicKeys` (v1a), or both');
  });

  it('refuses public keys that are not 32-byte ed25519 keys', () => {
    const res = standardAdapter.connectionSchema.safeParse({ name: 'acme', publicKeys: `${signer.whpk},whpk_c2hvcnQ=` });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.message).toBe('must be whpk_ followed by a base64 32-byte ed25519 public key');
  });

  it('keeps the v1-only shape it had', () => {
    expect(conn({ secret })).toEqual({ name: 'acme', secret: [secret], queue: 'payments' });
  });
});
