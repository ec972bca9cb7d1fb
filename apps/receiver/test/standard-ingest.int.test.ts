import { generateKeyPairSync, randomUUID, sign as ed25519Sign, type KeyObject } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startReceiver, testSecrets, type TestReceiver } from './harness';
import { must } from '@switchyard/testing';

// v1 signatures come from the standardwebhooks package. No package signs v1a (ed25519), so this
// file signs it from the spec: base64(ed25519(`${id}.${timestamp}.${body}`)).
const ACME = testSecrets.STANDARD_WEBHOOK_SECRET;
const ROTATED = ['whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD', 'whsec_dGhpcyBpcyB0aGUgb2xkIHNlY3JldCEh'] as const;

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { whpk: `whpk_${Buffer.from(must(publicKey.export({ format: 'jwk' }).x, 'the public key bytes'), 'base64url').toString('base64')}`, privateKey };
}
const signer = keyPair();
const stranger = keyPair();

const v1 = (secret: string, id: string, at: Date, body: string) => new Webhook(secret).sign(id, at, body);
const v1a = (key: KeyObject, id: string, at: Date, body: string) => `v1a,${ed25519Sign(null, Buffer.from(`${id}.${Math.floor(at.getTime() / 1000)}.${body}`), key).toString('base64')}`;

const payload = () => readFileSync(path.join(__dirname, 'fixtures/standard/invoice.paid.json'), 'utf8');

describe('POST /webhooks/standard/:source', () => {
  let r: TestReceiver;
  const config = path.join(tmpdir(), `switchyard-standard-${randomUUID()}.yaml`);
  beforeAll(async () => {
    writeFileSync(config, `connections:\n  standard:\n    ledger:\n      publicKeys: [${stranger.whpk}, ${signer.whpk}]\n      queue: crm\n`);
    r = await startReceiver({ env: { SWITCHYARD_CONFIG: config, STANDARD_WEBHOOK_SECRET_ROTATED: ROTATED.join(','), BODY_LIMIT_BYTES: String(64 * 1024) } });
  });
  afterAll(async () => {
    await r.close();
    rmSync(config, { force: true });
  });

  const rows = (id: string) => r.db.inboundEvent.findMany({ where: { provider: 'standard', providerEventId: id } });
  function post(source: string, body: string, headers: Record<string, string>, contentType = 'application/json') {
    return r.request.post(`/webhooks/standard/${source}`).set('Content-Type', contentType).set(headers).send(body);
  }
  const headers = (id: string, at: Date, signature: string) => ({ 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature });

  it('stores a v1-signed event as generic.received on the source’s queue; redelivery adds none', async () => {
    const id = `msg_${randomUUID()}`;
    const body = payload();
    const now = new Date();
    expect((await post('acme', body, headers(id, now, v1(ACME, id, now, body)))).status).toBe(200);
    const again = await post('acme', body, headers(id, now, v1(ACME, id, now, body)));
    expect(again.body).toMatchObject({ duplicates: 1 });
    const stored = await rows(id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ connection: 'acme', type: 'invoice.paid', canonicalType: 'generic.received', queue: 'payments', deliveries: 2 });
    expect(stored[0]?.canonical).toMatchObject({ sourceType: 'invoice.paid', targetQueue: 'payments', data: { invoice: 'inv_42', amount: 4200 } });
  });

  it('accepts both comma-separated secrets of a source (rotation)', async () => {
    for (const secret of ROTATED) {
      const id = `msg_${randomUUID()}`;
      const now = new Date();
      expect((await post('rotated', payload(), headers(id, now, v1(secret, id, now, payload())))).status).toBe(200);
      expect(await rows(id)).toHaveLength(1);
    }
  });

  it('accepts v1a (ed25519) from a source configured with public keys only', async () => {
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const res = await post('ledger', payload(), headers(id, now, `v1,${Buffer.alloc(32).toString('base64')} ${v1a(signer.privateKey, id, now, payload())}`));
    expect(res.status).toBe(200);
    expect((await rows(id))[0]).toMatchObject({ connection: 'ledger', queue: 'crm' });
  });

  type Case = [string, string, (id: string, body: string, now: Date) => { body?: string; headers: Record<string, string>; contentType?: string }, number, string, RegExp];
  const matrix: Case[] = [
    ['a missing signature header', 'acme', (id, b, now) => ({ headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) } }), 401, 'missing_signature', /missing webhook-id, webhook-timestamp or webhook-signature header/],
    ['a wrong secret', 'acme', (id, b, now) => ({ headers: headers(id, now, v1(ROTATED[0], id, now, b)) }), 401, 'invalid_signature', /does not match the payload for any configured v1 secret/],
    ['a tampered body', 'acme', (id, b, now) => ({ body: b.replace('4200', '4300'), headers: headers(id, now, v1(ACME, id, now, b)) }), 401, 'invalid_signature', /does not match/],
    ['a stale timestamp', 'acme', (id, b) => ({ headers: headers(id, new Date(Date.now() - 400_000), v1(ACME, id, new Date(Date.now() - 400_000), b)) }), 401, 'stale_timestamp', /webhook-timestamp is 4\d\d s away from now \(tolerance 300 s\)/],
    ['a v1a signature from an unknown key', 'ledger', (id, b, now) => ({ headers: headers(id, now, v1a(keyPair().privateKey, id, now, b)) }), 401, 'invalid_signature', /any configured v1a public key/],
    ['a stale v1a timestamp', 'ledger', (id, b) => ({ headers: headers(id, new Date(Date.now() - 400_000), v1a(signer.privateKey, id, new Date(Date.now() - 400_000), b)) }), 401, 'stale_timestamp', /tolerance 300 s/],
    ['malformed JSON', 'acme', (id, _b, now) => ({ body: '{"type":', headers: headers(id, now, v1(ACME, id, now, '{"type":')) }), 400, 'malformed_body', /not valid JSON/],
    ['a wrong content type', 'acme', (id, b, now) => ({ headers: headers(id, now, v1(ACME, id, now, b)), contentType: 'text/plain' }), 415, 'wrong_content_type', /expected Content-Type application\/json/],
    ['an oversized body', 'acme', (id, b, now) => {
      const big = b.replace('"inv_42"', `"${'x'.repeat(70 * 1024)}"`);
      return { body: big, headers: headers(id, now, v1(ACME, id, now, big)) };
    }, 413, 'payload_too_large', /exceeds the 65536-byte limit/],
    // 10,000 levels once overflowed the stack while storing: a 500 the sender retries forever.
    ['a body nested 10,000 levels deep', 'acme', (id, _b, now) => {
      const deep = `{"type":"invoice.paid","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
      return { body: deep, headers: headers(id, now, v1(ACME, id, now, deep)) };
    }, 400, 'nesting_too_deep', /^JSON nesting is deeper than the limit of 64 levels$/],
  ];
  it.each(matrix)('refuses %s (source %s): says why and stores nothing', async (_name, source, make, status, reason, text) => {
    const id = `msg_${randomUUID()}`;
    const original = payload();
    const { body, headers: h, contentType } = make(id, original, new Date());
    const res = await post(source, body ?? original, h, contentType);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: reason });
    expect(res.body.message).toMatch(text);
    expect(await rows(id)).toHaveLength(0);
    expect(r.logs.join('')).not.toContain(ACME.slice(6));
  });
});
