import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { startReceiver, type TestReceiver } from './harness';
import { makeSelfSignedCertificate, serveCertificate, type CertServer, type TestKeyPair } from './support/paypal-test-certificate';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, 'fixtures/paypal', `${name}.json`), 'utf8'));

// PayPal publishes no signer; this follows its docs: SHA256withRSA over
// `transmissionId|transmissionTime|webhookId|crc32(body)`, crc32 as an unsigned decimal.
function sign(body: string, key: string, id: string, time: string, webhookId: string) {
  return createSign('RSA-SHA256').update(`${id}|${time}|${webhookId}|${zlib.crc32(Buffer.from(body)) >>> 0}`).sign(key, 'base64');
}

function freshEvent(type: string) {
  const event = fixture(type);
  event.id = `WH-${randomUUID()}`;
  return event;
}

const CERT_PATH = '/cert/CERT-360caa42-fca2a594-ad47cb8d.pem';

describe('POST /webhooks/paypal', () => {
  let r: TestReceiver;
  let keys: TestKeyPair;
  let certs: CertServer;
  beforeAll(async () => {
    keys = makeSelfSignedCertificate();
    certs = await serveCertificate(keys.certPem);
    // The local server plays the sandbox: plain http is allowed for its one configured URL only.
    r = await startReceiver({ env: { PAYPAL_WEBHOOK_ID: 'WH_CURRENT_8PT597110X,WH_PREVIOUS_1JE42910', PAYPAL_CERT_SANDBOX_URL: `${certs.origin}${CERT_PATH}`, BODY_LIMIT_BYTES: String(16 * 1024) } });
  });
  afterAll(async () => {
    await r.close();
    await certs.close();
  });

  const rowsFor = (providerEventId: string) => r.db.inboundEvent.findMany({ where: { provider: 'paypal', providerEventId } });

  interface Opts {
    webhookId?: string;
    certUrl?: string;
    time?: string;
    key?: string;
    signedBody?: string;
    headers?: Record<string, string | undefined>;
  }
  function deliver(body: string, o: Opts = {}) {
    const id = randomUUID();
    const time = o.time ?? new Date().toISOString();
    const headers: Record<string, string | undefined> = {
      'Content-Type': 'application/json',
      'PAYPAL-TRANSMISSION-ID': id,
      'PAYPAL-TRANSMISSION-TIME': time,
      'PAYPAL-TRANSMISSION-SIG': sign(o.signedBody ?? body, o.key ?? keys.privateKeyPem, id, time, o.webhookId ?? 'WH_CURRENT_8PT597110X'),
      'PAYPAL-CERT-URL': o.certUrl ?? `${certs.origin}${CERT_PATH}`,
      'PAYPAL-AUTH-ALGO': 'SHA256withRSA',
      ...o.headers,
    };
    const req = r.request.post('/webhooks/paypal');
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) req.set(k, v);
    return req.send(body);
  }

  it.each([
    ['PAYMENT.CAPTURE.COMPLETED', 'payment.succeeded', { paymentId: '0KG12345VG343800K', amount: 251, currency: 'usd' }],
    ['PAYMENT.CAPTURE.DENIED', 'payment.failed', { paymentId: '7NW873794T343360M', amount: 251, currency: 'aud' }],
    ['PAYMENT.CAPTURE.REFUNDED', 'payment.refunded', { paymentId: '0JF852973C016714D', amount: 99, totalRefunded: 198 }],
    ['CUSTOMER.DISPUTE.CREATED', 'payment.disputed', { paymentId: '00D10444LD479031K', amount: 300 }],
  ])('stores %s as %s', async (type, canonicalType, fields) => {
    const event = freshEvent(type);
    const res = await deliver(JSON.stringify(event));
    expect(res.status).toBe(200);
    const [row] = await rowsFor(event.id);
    expect(row).toMatchObject({ type, canonicalType, queue: 'payments' });
    expect(row?.canonical).toMatchObject({ type: canonicalType, ...fields });
  });

  it('stores CHECKOUT.ORDER.APPROVED as ignored', async () => {
    const event = freshEvent('CHECKOUT.ORDER.APPROVED');
    await deliver(JSON.stringify(event)).expect(200);
    expect((await rowsFor(event.id))[0]).toMatchObject({ status: 'ignored', canonicalType: null });
  });

  it('accepts both configured webhook ids, a redelivery hours after the original transmission, and dedups on the event id', async () => {
    const event = freshEvent('PAYMENT.CAPTURE.COMPLETED');
    const body = JSON.stringify(event);
    await deliver(body).expect(200);
    await deliver(body, { webhookId: 'WH_PREVIOUS_1JE42910' }).expect(200);
    const late = await deliver(body, { time: new Date(Date.now() - 30 * 3600_000).toISOString() });
    expect(late.body).toMatchObject({ duplicates: 1 });
    const rows = await rowsFor(event.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveries).toBe(3);
  });

  it('refuses any other local URL, even on the sandbox\'s host and port, with 401 untrusted_certificate, without fetching it', async () => {
    const event = freshEvent('PAYMENT.CAPTURE.COMPLETED');
    const before = certs.hits.length;
    for (const certUrl of [`${certs.origin}/cert/evil.pem`, `${certs.origin}/admin?x=1`, `http://127.0.0.1:${certs.port + 1}${CERT_PATH}`, `http://localhost:${certs.port}${CERT_PATH}`]) {
      const res = await deliver(JSON.stringify(event), { certUrl });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'untrusted_certificate', message: 'PAYPAL-CERT-URL must be https (got http; plain http only for the configured sandbox URL)' });
    }
    const offPrefix = await deliver(JSON.stringify(event), { certUrl: 'https://api.paypal.com/v1/oauth2/token' });
    expect(offPrefix.body.message).toMatch(/^PAYPAL-CERT-URL https:\/\/api.paypal.com\/v1\/oauth2\/token is not under an allowed certificate URL prefix \(allowed: https:\/\/api.paypal.com\/v1\/notifications\/certs\/, /);
    expect(certs.hits.length).toBe(before);
    expect(await rowsFor(event.id)).toHaveLength(0);
  });

  const other = () => makeSelfSignedCertificate();
  it.each([
    ['missing signature', (): Opts => ({ headers: { 'PAYPAL-TRANSMISSION-SIG': undefined } }), 401, 'missing_signature', /missing PAYPAL-TRANSMISSION-SIG header/],
    ['a signature for another webhook id', (): Opts => ({ webhookId: 'SOMEONE_ELSES' }), 401, 'invalid_signature', /does not match the payload for any configured webhook id/],
    ['a key other than the certificate\'s', (): Opts => ({ key: other().privateKeyPem }), 401, 'invalid_signature', /does not match/],
    ['tampered body', (): Opts => ({ signedBody: '{"id":"WH-original"}' }), 401, 'invalid_signature', /does not match/],
    ['another auth algorithm', (): Opts => ({ headers: { 'PAYPAL-AUTH-ALGO': 'SHA1withRSA' } }), 401, 'invalid_signature', /unsupported PAYPAL-AUTH-ALGO/],
    ['an unparseable transmission time', (): Opts => ({ time: 'not-a-time' }), 401, 'invalid_signature', /PAYPAL-TRANSMISSION-TIME is not a date/],
    ['wrong content type', (): Opts => ({ headers: { 'Content-Type': 'text/plain' } }), 415, 'wrong_content_type', /expected Content-Type application\/json/],
  ])('refuses %s with a clear status and message, storing nothing', async (_name, opts, status, error, message) => {
    const event = freshEvent('PAYMENT.CAPTURE.COMPLETED');
    const res = await deliver(JSON.stringify(event), opts());
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error, message: expect.stringMatching(message) });
    expect(await rowsFor(event.id)).toHaveLength(0);
  });

  it('refuses malformed JSON with 400 after verifying it', async () => {
    const res = await deliver('{"id": "WH-');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'malformed_body', message: expect.stringMatching(/not valid JSON/) });
  });

  it('refuses an oversized body with 413', async () => {
    const event = freshEvent('PAYMENT.CAPTURE.COMPLETED');
    event.summary = 'x'.repeat(20 * 1024);
    const res = await deliver(JSON.stringify(event));
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/exceeds the 16384-byte limit/);
    expect(await rowsFor(event.id)).toHaveLength(0);
  });
});
