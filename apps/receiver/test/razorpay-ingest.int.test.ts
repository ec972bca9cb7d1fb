import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils';
import { startReceiver, type TestReceiver } from './harness';
import { must } from '@switchyard/testing';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures/razorpay', `${name}.json`), 'utf8');

// Razorpay's package only validates; the signer follows its docs and is cross-checked with it.
function sign(body: string, secret = 'rzp_current') {
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  expect(validateWebhookSignature(body, signature, secret)).toBe(true);
  return signature;
}

describe('POST /webhooks/razorpay', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ env: { RAZORPAY_WEBHOOK_SECRET: 'rzp_current, rzp_previous', BODY_LIMIT_BYTES: String(16 * 1024) } });
  });
  afterAll(() => r.close());

  const rowsFor = (providerEventId: string) => r.db.inboundEvent.findMany({ where: { provider: 'razorpay', providerEventId } });
  const post = (body: string, headers: Record<string, string | undefined>) => {
    const req = r.request.post('/webhooks/razorpay');
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) req.set(k, v);
    return req.send(body);
  };
  const deliver = (body: string, eventId: string, secret?: string) => post(body, { 'Content-Type': 'application/json', 'X-Razorpay-Event-Id': eventId, 'X-Razorpay-Signature': sign(body, secret) });

  it.each([
    ['payment.captured', 'payment.succeeded', { paymentId: 'pay_DESlfW9H8K9uqM', amount: 100, currency: 'inr' }],
    ['payment.failed', 'payment.failed', { paymentId: 'pay_DESuLVl9DSrHXo', failureCode: 'payment_cancelled' }],
    ['refund.processed', 'payment.refunded', { paymentId: 'pay_DfjjBGgDS7Ft5y', amount: 50000, full: false }],
    ['payment.dispute.created', 'payment.disputed', { disputeId: 'disp_EsIAlDcoUr8CaQ' }],
  ])('stores %s as %s and queues it for the payments worker', async (type, canonicalType, fields) => {
    const id = randomUUID();
    const res = await deliver(fixture(type), id);
    expect(res.status).toBe(200);
    const [row] = await rowsFor(id);
    expect(row).toMatchObject({ type, canonicalType, queue: 'payments', status: expect.stringMatching(/received|queued/) });
    expect(row?.canonical).toMatchObject({ type: canonicalType, providerEventId: id, ...fields });
  });

  it('stores payment.authorized as ignored, with no job', async () => {
    const id = randomUUID();
    expect((await deliver(fixture('payment.authorized'), id)).status).toBe(200);
    const [row] = await rowsFor(id);
    expect(row).toMatchObject({ type: 'payment.authorized', canonicalType: null, queue: null, status: 'ignored' });
    expect(await r.db.outboxEntry.count({ where: { eventId: must(row, 'the stored event').id } })).toBe(0);
  });

  it('stores an event that cannot be mapped cleanly as unmapped: no job, the reason kept, an attention item, counted', async () => {
    const id = randomUUID();
    const sent = JSON.parse(fixture('payment.captured'));
    Object.assign(sent.payload.payment.entity, { currency: '', email: '', contact: '' });
    const body = JSON.stringify(sent);
    const res = await deliver(body, id);
    expect(res.status).toBe(200);
    const [row] = await rowsFor(id);
    expect(row).toMatchObject({ type: 'payment.captured', canonicalType: null, canonical: null, queue: null, status: 'unmapped', payload: sent });
    expect(row?.lastError).toMatch(/^razorpay payment.captured event .+ could not be mapped: the payment.succeeded it maps to is invalid: currency: /);
    expect(await r.db.outboxEntry.count({ where: { eventId: must(row, 'the stored event').id } })).toBe(0);
    const items = await r.db.attentionItem.findMany({ where: { eventId: must(row, 'the stored event').id } });
    expect(items).toMatchObject([{ kind: 'unmapped_event', entityType: 'inbound_event', entityKey: `razorpay:default:${id}`, summary: must(row, 'the stored event').lastError, resolvedAt: null }]);
    const metrics = (await r.request.get('/metrics')).text;
    expect(metrics).toMatch(/switchyard_events_stored_total\{provider="razorpay",status="unmapped"\} [1-9]/);
    expect(r.logs.some((l) => l.includes('event stored unmapped') && l.includes(id))).toBe(true);

    // A redelivery is a duplicate like any other: still one row and one attention item.
    expect((await deliver(body, id)).body).toMatchObject({ duplicates: 1 });
    expect(await r.db.attentionItem.count({ where: { eventId: must(row, 'the stored event').id } })).toBe(1);
  });

  it('stores the payload exactly as Razorpay sent it, fields we do not model included', async () => {
    const id = randomUUID();
    const sent = { ...JSON.parse(fixture('payment.captured')), future_field: { added: 'by razorpay later' } };
    const body = JSON.stringify(sent);
    expect((await deliver(body, id)).status).toBe(200);
    const [row] = await rowsFor(id);
    expect(row?.payload).toEqual(sent);
  });

  it('accepts both rotated secrets', async () => {
    for (const secret of ['rzp_current', 'rzp_previous']) expect((await deliver(fixture('payment.captured'), randomUUID(), secret)).status).toBe(200);
  });

  it('counts a redelivery of the same event id as a duplicate', async () => {
    const id = randomUUID();
    await deliver(fixture('payment.captured'), id).expect(200);
    const again = await deliver(fixture('payment.captured'), id);
    expect(again.body).toMatchObject({ received: 1, duplicates: 1 });
    const rows = await rowsFor(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveries).toBe(2);
  });

  const body = fixture('payment.captured');
  it.each([
    ['missing signature', () => ({ 'X-Razorpay-Signature': undefined }), body, 401, 'missing_signature', /missing X-Razorpay-Signature header/],
    ['wrong secret', () => ({ 'X-Razorpay-Signature': sign(body, 'someone_else') }), body, 401, 'invalid_signature', /does not match/],
    ['tampered body', () => ({ 'X-Razorpay-Signature': sign(body) }), body.replace('"amount": 100', '"amount": 900'), 401, 'invalid_signature', /does not match/],
    ['malformed JSON', () => ({ 'X-Razorpay-Signature': sign('{"event":') }), '{"event":', 400, 'malformed_body', /not valid JSON/],
    ['wrong content type', () => ({ 'Content-Type': 'text/plain', 'X-Razorpay-Signature': sign(body) }), body, 415, 'wrong_content_type', /expected Content-Type application\/json, got "text\/plain"/],
    ['missing event id', () => ({ 'X-Razorpay-Event-Id': undefined, 'X-Razorpay-Signature': sign(body) }), body, 400, 'malformed_body', /missing x-razorpay-event-id header/],
    ['oversized body', () => ({ 'X-Razorpay-Signature': 'unchecked' }), body.replace('"notes": []', `"notes": ["${'x'.repeat(20 * 1024)}"]`), 413, 'payload_too_large', /exceeds the 16384-byte limit/],
  ])('refuses %s with a clear status and message, storing nothing', async (_name, headers, sent, status, error, message) => {
    const id = randomUUID();
    const res = await post(sent, { 'Content-Type': 'application/json', 'X-Razorpay-Event-Id': id, ...headers() });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error, message: expect.stringMatching(message) });
    expect(await rowsFor(id)).toHaveLength(0);
    expect(r.logs.join('')).not.toContain('rzp_current');
  });
});
