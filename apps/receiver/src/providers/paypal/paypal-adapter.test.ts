import { createSign, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { canonicalEvent } from '@switchyard/domain';
import { makeSelfSignedCertificate, serveCertificate, type CertServer, type TestKeyPair } from '../../../test/support/paypal-test-certificate';
import type { InboundRequest } from '../provider-adapter';
import { WebhookRejection } from '../webhook-rejection';
import { crc32, crc32Fallback } from './crc32';
import { createPaypalAdapter, DEFAULT_PAYPAL_CERT_URL_PREFIXES, type PaypalConnection } from './paypal-adapter';
import { PaypalCertificates } from './paypal-certificates';
import { toMinorUnits } from './to-minor-units';
import { asyncRejectionOf } from '../../../test/support/adapter-kit';
import { readEvents } from '../../ingest/read-events';
import { must } from '@switchyard/testing';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../../test/fixtures/paypal', `${name}.json`), 'utf8');

// PayPal publishes no signer; these lines follow its docs: SHA256withRSA over
// `transmissionId|transmissionTime|webhookId|crc32(body)` with the crc32 as an unsigned decimal.
function sign(body: string, key: string, h: { id: string; time: string; webhookId: string }) {
  return createSign('RSA-SHA256').update(`${h.id}|${h.time}|${h.webhookId}|${zlib.crc32(Buffer.from(body)) >>> 0}`).sign(key, 'base64');
}

let keys: TestKeyPair;
let server: CertServer;
let conn: PaypalConnection;

beforeAll(async () => {
  keys = makeSelfSignedCertificate();
  server = await serveCertificate(keys.certPem);
  // The local server plays the sandbox: its one certificate URL is allowed exactly, over plain http.
  conn = { name: 'default', webhookId: ['8PT597110X687430LKGECATA', '1JE4291016473214C'], certUrlPrefixes: DEFAULT_PAYPAL_CERT_URL_PREFIXES, sandboxCertUrl: `${server.origin}/cert/default.pem` };
});
afterAll(() => server.close());

interface Opts {
  certUrl?: string;
  webhookId?: string;
  key?: string;
  headers?: Record<string, string | undefined>;
  signedBody?: string;
}

function request(body: string, o: Opts = {}): InboundRequest {
  const id = randomUUID();
  const time = new Date().toISOString();
  return {
    method: 'POST',
    originalUrl: '/webhooks/paypal',
    publicUrl: 'https://hooks.example.com/webhooks/paypal',
    headers: {
      'content-type': 'application/json',
      'paypal-transmission-id': id,
      'paypal-transmission-time': time,
      'paypal-transmission-sig': sign(o.signedBody ?? body, o.key ?? keys.privateKeyPem, { id, time, webhookId: o.webhookId ?? '8PT597110X687430LKGECATA' }),
      'paypal-cert-url': o.certUrl ?? `${server.origin}/cert/default.pem`,
      'paypal-auth-algo': 'SHA256withRSA',
      ...o.headers,
    },
    query: {},
    rawBody: Buffer.from(body),
  };
}


describe('crc32', () => {
  it('is the unsigned IEEE CRC-32, with or without zlib.crc32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Fallback(Buffer.from('123456789'))).toBe(0xcbf43926);
    for (let i = 0; i < 20; i++) {
      const data = randomBytes(1 + i * 97);
      expect(crc32Fallback(data)).toBe(zlib.crc32(data) >>> 0);
    }
  });
});

describe('toMinorUnits', () => {
  it.each([
    ['10.99', 'USD', 1099],
    ['0.29', 'usd', 29],
    ['2.5', 'EUR', 250],
    ['100', 'USD', 10000],
    ['1500', 'JPY', 1500],
    ['1500.00', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['0.00', 'USD', 0],
  ])('%s %s → %i', (value, currency, minor) => expect(toMinorUnits(value, currency)).toBe(minor));

  it.each([['10.999', 'USD'], ['1500.5', 'JPY'], ['-1.00', 'USD'], ['1e3', 'USD'], ['', 'USD']])('refuses %s %s', (value, currency) => expect(() => toMinorUnits(value, currency)).toThrow(/amount/));
});

describe('paypal verify', () => {
  const body = fixture('PAYMENT.CAPTURE.COMPLETED');

  it('accepts a delivery signed for either configured webhook id, fetching the certificate once', async () => {
    const adapter = createPaypalAdapter(new PaypalCertificates());
    const url = `${server.origin}/cert/${randomUUID()}.pem`;
    const here = { ...conn, sandboxCertUrl: url };
    await adapter.verify(request(body, { certUrl: url }), here, new Date());
    await adapter.verify(request(body, { certUrl: url, webhookId: '1JE4291016473214C' }), here, new Date());
    expect(server.hits.filter((h) => url.endsWith(h))).toHaveLength(1);
  });

  it.each([
    ['a missing signature', { headers: { 'paypal-transmission-sig': undefined } }, 'missing_signature', /missing PAYPAL-TRANSMISSION-SIG header/],
    ['missing headers', { headers: { 'paypal-cert-url': undefined, 'paypal-auth-algo': undefined } }, 'missing_signature', /missing PAYPAL-CERT-URL, PAYPAL-AUTH-ALGO headers/],
    ['another algorithm', { headers: { 'paypal-auth-algo': 'SHA1withRSA' } }, 'invalid_signature', /unsupported PAYPAL-AUTH-ALGO "SHA1withRSA"/],
    ['an unparseable transmission time', { headers: { 'paypal-transmission-time': 'yesterday' } }, 'invalid_signature', /PAYPAL-TRANSMISSION-TIME is not a date/],
    ['another webhook id', { webhookId: 'SOMEONE-ELSES-WEBHOOK' }, 'invalid_signature', /does not match the payload for any configured webhook id/],
    ['a tampered body', { signedBody: body.replace('2.51', '9.51') }, 'invalid_signature', /does not match/],
  ])('refuses %s', async (_name, opts: Opts, reason, message) => {
    const r = await asyncRejectionOf(createPaypalAdapter().verify(request(body, opts), conn, new Date()));
    expect(r.reason).toBe(reason);
    expect(r.status).toBe(401);
    expect(r.message).toMatch(message);
  });

  it('refuses a key that is not the certificate\'s', async () => {
    const other = makeSelfSignedCertificate();
    const r = await asyncRejectionOf(createPaypalAdapter().verify(request(body, { key: other.privateKeyPem }), conn, new Date()));
    expect(r.reason).toBe('invalid_signature');
  });

  it('refuses any other path or port on the sandbox host without requesting it', async () => {
    const before = server.hits.length;
    // The host alone used to be allowed: any local port and path could be made to answer a GET.
    for (const url of [`${server.origin}/cert/offlist.pem`, `${server.origin}/hang`, `http://127.0.0.1:${server.port + 1}/cert/default.pem`, `http://localhost:${server.port}/cert/default.pem`]) {
      const r = await asyncRejectionOf(createPaypalAdapter().verify(request(body, { certUrl: url }), conn, new Date()));
      expect([r.reason, r.status]).toEqual(['untrusted_certificate', 401]);
      expect(r.message).toMatch(/PAYPAL-CERT-URL must be https \(got http; plain http only for the configured sandbox URL\)/);
    }
    expect(server.hits.length).toBe(before);
  });

  it.each([
    ['plain http to PayPal', 'http://api.paypal.com/v1/notifications/certs/CERT-1', /must be https/],
    ['a lookalike host', 'https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1', /https:\/\/api.paypal.com.evil.example\/v1\/notifications\/certs\/CERT-1 is not under an allowed certificate URL prefix/],
    ['another path on PayPal', 'https://api.paypal.com/v1/oauth2/token', /is not under an allowed certificate URL prefix/],
    ['a path climbing out of the prefix', 'https://api.paypal.com/v1/notifications/certs/../../oauth2/token', /https:\/\/api.paypal.com\/v1\/oauth2\/token is not under/],
    ['another port on PayPal', 'https://api.paypal.com:8443/v1/notifications/certs/CERT-1', /is not under an allowed certificate URL prefix/],
    ['credentials in the URL', 'https://user:pw@api.paypal.com/v1/notifications/certs/CERT-1', /must not carry credentials/],
    ['not a URL', 'api.paypal.com/cert', /not a URL/],
  ])('refuses %s', async (_name, certUrl, message) => {
    const r = await asyncRejectionOf(createPaypalAdapter().verify(request(body, { certUrl }), conn, new Date()));
    expect(r.reason).toBe('untrusted_certificate');
    expect(r.message).toMatch(message);
  });

  it('does not follow redirects, and reports errors and timeouts as untrusted', async () => {
    const before = server.hits.length;
    const at = (path: string) => ({ ...conn, sandboxCertUrl: `${server.origin}${path}` });
    const redirect = await asyncRejectionOf(createPaypalAdapter().verify(request(body, { certUrl: `${server.origin}/redirect` }), at('/redirect'), new Date()));
    expect(redirect.message).toMatch(/answered HTTP 302 \(redirects are not followed\)/);
    expect(server.hits.slice(before)).toEqual(['/redirect']);
    expect((await asyncRejectionOf(createPaypalAdapter().verify(request(body, { certUrl: `${server.origin}/missing` }), at('/missing'), new Date()))).message).toMatch(/answered HTTP 404/);
    const slow = createPaypalAdapter(new PaypalCertificates({ timeoutMs: 200 }));
    expect((await asyncRejectionOf(slow.verify(request(body, { certUrl: `${server.origin}/hang` }), at('/hang'), new Date()))).message).toMatch(/could not fetch the certificate from .*\/hang: timeout of 200ms exceeded/);
  });

  it('refuses a certificate outside its validity period', async () => {
    const r = await asyncRejectionOf(createPaypalAdapter().verify(request(body), conn, new Date(Date.now() + 5 * 86_400_000)));
    expect(r.reason).toBe('untrusted_certificate');
    expect(r.message).toMatch(/is not valid now/);
  });
});

describe('certificate cache', () => {
  it('evicts the least recently used URL beyond its size and refetches after the TTL', async () => {
    const certs = new PaypalCertificates({ maxEntries: 2, ttlMs: 60_000 });
    const certUrl = (n: string) => new URL(`${server.origin}/cert/${randomUUID()}-${n}.pem`);
    const [a, b, c] = [certUrl('a'), certUrl('b'), certUrl('c')];
    const urls = [a, b, c];
    const hitsOf = (u: URL) => server.hits.filter((h) => h === u.pathname).length;
    const now = new Date();
    await certs.get(a, now);
    await certs.get(b, now);
    await certs.get(a, now);
    await certs.get(c, now);
    expect(certs.size).toBe(2);
    await certs.get(a, now);
    await certs.get(b, now);
    expect(urls.map(hitsOf)).toEqual([1, 2, 1]);
    await certs.get(a, new Date(now.getTime() + 61_000));
    expect(hitsOf(a)).toBe(2);
  });

  it('shares one fetch between concurrent deliveries', async () => {
    const certs = new PaypalCertificates();
    const url = new URL(`${server.origin}/cert/${randomUUID()}.pem`);
    await Promise.all(Array.from({ length: 5 }, () => certs.get(url, new Date())));
    expect(server.hits.filter((h) => h === url.pathname)).toHaveLength(1);
  });
});

describe('paypal parse', () => {
  const adapter = createPaypalAdapter();
  async function ingest(body: string) {
    const req = request(body);
    await adapter.verify(req, conn, new Date());
    const [e] = readEvents(adapter, conn, req);
    return must(e, 'one event in the delivery');
  }

  it('maps PAYMENT.CAPTURE.COMPLETED to payment.succeeded in cents', async () => {
    const e = await ingest(fixture('PAYMENT.CAPTURE.COMPLETED'));
    expect(e.providerEventId).toBe('WH-58D329510W468432D-8HN650336L201105X');
    expect(e.occurredAt?.toISOString()).toBe('2019-02-14T21:50:07.940Z');
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'payment.succeeded', paymentId: '0KG12345VG343800K', orderId: '1AB234567A1234567', amount: 251, currency: 'usd' });
  });

  it('keeps the payload exactly as PayPal sent it, fields we do not model included', async () => {
    const sent = { ...JSON.parse(fixture('PAYMENT.CAPTURE.COMPLETED')), links: [{ href: 'https://api.paypal.com/v1/notifications/webhooks-events/x', rel: 'self' }], future_field: 1 };
    expect((await ingest(JSON.stringify(sent))).payload).toEqual(sent);
  });

  it('maps PAYMENT.CAPTURE.DENIED to payment.failed', async () => {
    expect(canonicalEvent.parse((await ingest(fixture('PAYMENT.CAPTURE.DENIED'))).canonical)).toMatchObject({ type: 'payment.failed', paymentId: '7NW873794T343360M', amount: 251, currency: 'aud', failureCode: 'DECLINED' });
  });

  it('carries the payer\'s name and a payer-action link when the resource has them', async () => {
    const completed = JSON.parse(fixture('PAYMENT.CAPTURE.COMPLETED'));
    completed.resource.payer = { name: { given_name: 'Asha', surname: 'Rao' }, email_address: 'asha@example.com' };
    expect(canonicalEvent.parse((await ingest(JSON.stringify(completed))).canonical)).toMatchObject({ customer: { name: 'Asha Rao', email: 'asha@example.com' }, orderId: '1AB234567A1234567' });
    const denied = JSON.parse(fixture('PAYMENT.CAPTURE.DENIED'));
    denied.resource.links = [...denied.resource.links, { href: 'https://www.paypal.com/checkoutnow?token=5O190127TN364715T', rel: 'payer-action', method: 'GET' }];
    expect(canonicalEvent.parse((await ingest(JSON.stringify(denied))).canonical)).toMatchObject({ type: 'payment.failed', link: 'https://www.paypal.com/checkoutnow?token=5O190127TN364715T' });
  });

  it('maps PAYMENT.CAPTURE.DECLINED (what PayPal sends for a declined capture) to payment.failed too', async () => {
    const e = await ingest(fixture('PAYMENT.CAPTURE.DECLINED'));
    expect(e).toMatchObject({ type: 'PAYMENT.CAPTURE.DECLINED', unmappedReason: null });
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'payment.failed', paymentId: '3KL54321MN9876543', orderId: '2CD345678B2345678', amount: 251, currency: 'aud', failureCode: 'DECLINED' });
  });

  it('maps PAYMENT.CAPTURE.REVERSED to a refund of the capture, marked as a reversal', async () => {
    const e = await ingest(fixture('PAYMENT.CAPTURE.REVERSED'));
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'payment.refunded', paymentId: '4L335234718889942', refundId: '09E71677NS257044M', amount: 251, currency: 'usd', totalRefunded: 251, reason: 'reversal' });
    expect(canonicalEvent.parse((await ingest(fixture('PAYMENT.CAPTURE.REFUNDED'))).canonical)).not.toHaveProperty('reason');
  });

  it('maps PAYMENT.CAPTURE.REFUNDED to a refund of the capture named by its up link', async () => {
    expect(canonicalEvent.parse((await ingest(fixture('PAYMENT.CAPTURE.REFUNDED'))).canonical)).toMatchObject({
      type: 'payment.refunded',
      paymentId: '0JF852973C016714D',
      refundId: '1Y107995YT783435V',
      amount: 99,
      totalRefunded: 198,
      full: false,
    });
  });

  it('maps CUSTOMER.DISPUTE.CREATED to payment.disputed', async () => {
    expect(canonicalEvent.parse((await ingest(fixture('CUSTOMER.DISPUTE.CREATED'))).canonical)).toMatchObject({
      type: 'payment.disputed',
      paymentId: '00D10444LD479031K',
      disputeId: 'PP-000-042-663-135',
      amount: 300,
      reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
    });
  });

  it('converts zero-decimal currencies exactly', async () => {
    const body = JSON.parse(fixture('PAYMENT.CAPTURE.COMPLETED'));
    body.resource.amount = { currency_code: 'JPY', value: '1500' };
    expect((await ingest(JSON.stringify(body))).canonical).toMatchObject({ amount: 1500, currency: 'jpy' });
  });

  it('reads resource_version: 2.0 is known; another version still maps when its shape parses, flagged', async () => {
    expect(await ingest(fixture('PAYMENT.CAPTURE.COMPLETED'))).toMatchObject({ apiVersion: '2.0', unknownApiVersion: false });
    const next = await ingest(JSON.stringify({ ...JSON.parse(fixture('PAYMENT.CAPTURE.COMPLETED')), resource_version: '3.0' }));
    expect(next).toMatchObject({ apiVersion: '3.0', unknownApiVersion: true, unmappedReason: null, canonical: expect.objectContaining({ type: 'payment.succeeded' }) });
  });

  it('stores other event types as ignored', async () => {
    expect(await ingest(fixture('CHECKOUT.ORDER.APPROVED'))).toMatchObject({ type: 'CHECKOUT.ORDER.APPROVED', canonical: null });
  });

  it('refuses a body that is not a PayPal event', () => {
    const r = (() => {
      try {
        adapter.split(request('{"hello":"world"}'), conn);
      } catch (err) {
        return err as WebhookRejection;
      }
    })();
    expect(r?.reason).toBe('malformed_body');
    expect(r?.message).toMatch(/not a PayPal webhook event: id/);
  });
});

describe('paypal connection', () => {
  const schema = createPaypalAdapter().connectionSchema;
  const issues = (input: unknown) => schema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('takes https URL prefixes as an env-style list or a YAML list, defaulting to PayPal\'s certificate folders', () => {
    expect(schema.parse({ name: 'default', webhookId: 'WH1', certUrlPrefixes: 'https://api.paypal.com/v1/notifications/certs/, https://api-m.paypal.com/v1/notifications/certs/' })).toMatchObject({
      webhookId: ['WH1'],
      certUrlPrefixes: ['https://api.paypal.com/v1/notifications/certs/', 'https://api-m.paypal.com/v1/notifications/certs/'],
    });
    expect(schema.parse({ name: 'eu', webhookId: 'WH1' }).certUrlPrefixes).toContain('https://api-m.paypal.com/v1/notifications/certs/');
    expect(schema.parse({ name: 'eu', webhookId: 'WH1', sandboxCertUrl: '' }).sandboxCertUrl).toBeUndefined();
  });

  it('refuses plain-http or host-only prefixes, and the old certHosts, naming the replacement', () => {
    expect(issues({ name: 'eu', webhookId: 'WH1', certUrlPrefixes: ' , ' })).toEqual(['certUrlPrefixes: needs at least one https URL prefix']);
    expect(issues({ name: 'eu', webhookId: 'WH1', certUrlPrefixes: 'http://127.0.0.1:4010/, https://api.paypal.com/v1/notifications/certs' })).toEqual([
      'certUrlPrefixes: "http://127.0.0.1:4010/" must be https (a plain-http sandbox goes in sandboxCertUrl / PAYPAL_CERT_SANDBOX_URL)',
      'certUrlPrefixes: "https://api.paypal.com/v1/notifications/certs" must end its path with "/" (a prefix of a folder, not of a name)',
    ]);
    expect(issues({ name: 'eu', webhookId: 'WH1', certHosts: '127.0.0.1' })).toEqual([expect.stringMatching(/^certHosts: certHosts was replaced by certUrlPrefixes/)]);
    expect(issues({ name: 'eu', webhookId: 'WH1', sandboxCertUrl: 'file:///etc/passwd' })).toHaveLength(1);
  });
});
