import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalEvent } from '@switchyard/domain';
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils';
import type { InboundRequest } from '../provider-adapter';
import { razorpayAdapter, type RazorpayConnection } from './razorpay-adapter';
import { rejectionOf, verifyNow } from '../../../test/support/adapter-kit';
import { readEvents } from '../../ingest/read-events';
import { must } from '@switchyard/testing';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../../test/fixtures/razorpay', `${name}.json`), 'utf8');
const conn: RazorpayConnection = { name: 'default', webhookSecret: ['rzp_current', 'rzp_previous'] };

// Written from Razorpay's docs and cross-checked against the razorpay package's own validator.
function sign(body: string, secret: string) {
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  expect(validateWebhookSignature(body, signature, secret)).toBe(true);
  return signature;
}

function request(body: string, headers: Record<string, string | undefined> = {}): InboundRequest {
  return {
    method: 'POST',
    originalUrl: '/webhooks/razorpay',
    publicUrl: 'https://hooks.example.com/webhooks/razorpay',
    headers: { 'content-type': 'application/json', 'x-razorpay-event-id': 'KZd1p8Uu8Zo4aL', 'x-razorpay-signature': sign(body, 'rzp_current'), ...headers },
    query: {},
    rawBody: Buffer.from(body),
  };
}


function ingest(body: string) {
  const req = request(body);
  verifyNow(razorpayAdapter, req, conn, new Date());
  const [e] = readEvents(razorpayAdapter, conn, req);
  return must(e, 'one event in the delivery');
}

describe('razorpay verify', () => {
  const body = fixture('payment.captured');

  it('accepts either of two rotated secrets', () => {
    expect(() => razorpayAdapter.verify(request(body), conn, new Date())).not.toThrow();
    expect(() => razorpayAdapter.verify(request(body, { 'x-razorpay-signature': sign(body, 'rzp_previous') }), conn, new Date())).not.toThrow();
  });

  it('refuses a missing signature', () => {
    const r = rejectionOf(() => razorpayAdapter.verify(request(body, { 'x-razorpay-signature': undefined }), conn, new Date()));
    expect([r.reason, r.status, r.message]).toEqual(['missing_signature', 401, 'missing X-Razorpay-Signature header']);
  });

  it.each([
    ['a wrong secret', (b: string) => request(b, { 'x-razorpay-signature': sign(b, 'someone_else') })],
    ['a tampered body', (b: string) => ({ ...request(b), rawBody: Buffer.from(b.replace('"amount": 100', '"amount": 900')) })],
    ['a non-hex signature', (b: string) => request(b, { 'x-razorpay-signature': 'not-hex!' })],
  ])('refuses %s', (_name, make) => {
    const r = rejectionOf(() => razorpayAdapter.verify(make(body), conn, new Date()));
    expect(r.reason).toBe('invalid_signature');
    expect(r.message).toMatch(/does not match/);
    expect(r.message).not.toContain('rzp_current');
  });
});

describe('razorpay split', () => {
  it('needs the event id header', () => {
    const r = rejectionOf(() => razorpayAdapter.split(request(fixture('payment.captured'), { 'x-razorpay-event-id': undefined }), conn));
    expect([r.reason, r.status]).toEqual(['malformed_body', 400]);
    expect(r.message).toMatch(/missing x-razorpay-event-id header/);
  });

  it('refuses malformed JSON, a non-event and a wrong content type', () => {
    expect(rejectionOf(() => razorpayAdapter.split(request('{"event":'), conn)).message).toMatch(/not valid JSON/);
    expect(rejectionOf(() => razorpayAdapter.split(request('{"hello":"world"}'), conn)).message).toMatch(/not a Razorpay event: entity/);
    const r = rejectionOf(() => razorpayAdapter.split(request('{}', { 'content-type': 'text/plain' }), conn));
    expect([r.reason, r.status]).toEqual(['wrong_content_type', 415]);
  });
});

describe('razorpay parse', () => {
  it('maps payment.captured to payment.succeeded in paise, at the event time', () => {
    const e = ingest(fixture('payment.captured'));
    expect(e.providerEventId).toBe('KZd1p8Uu8Zo4aL');
    expect(e.type).toBe('payment.captured');
    expect(e.occurredAt?.toISOString()).toBe('2019-09-05T09:10:06.000Z');
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({
      type: 'payment.succeeded',
      paymentId: 'pay_DESlfW9H8K9uqM',
      orderId: 'order_DESlLckIVRkHWj',
      amount: 100,
      currency: 'inr',
      customer: { email: 'gaurav.kumar@example.com', phone: '+919876543210' },
      occurredAt: '2019-09-05T09:10:06.000Z',
    });
  });

  it('maps payment.failed with the specific reason', () => {
    expect(canonicalEvent.parse(ingest(fixture('payment.failed')).canonical)).toMatchObject({
      type: 'payment.failed',
      paymentId: 'pay_DESuLVl9DSrHXo',
      failureCode: 'payment_cancelled',
      failureMessage: expect.stringContaining('cancelled the payment'),
    });
  });

  it('carries the customer name, the order id and a retry link from the notes; empty notes come as []', () => {
    const captured = JSON.parse(fixture('payment.captured'));
    captured.payload.payment.entity.notes = { name: 'Asha Rao' };
    expect(canonicalEvent.parse(ingest(JSON.stringify(captured)).canonical)).toMatchObject({ customer: { name: 'Asha Rao' }, orderId: captured.payload.payment.entity.order_id });
    const noOrder = JSON.parse(fixture('payment.captured'));
    noOrder.payload.payment.entity.order_id = null;
    noOrder.payload.payment.entity.notes = { order_id: 'WEB-1042' };
    expect(canonicalEvent.parse(ingest(JSON.stringify(noOrder)).canonical)).toMatchObject({ orderId: 'WEB-1042' });
    const failed = JSON.parse(fixture('payment.failed'));
    failed.payload.payment.entity.notes = { retry_url: 'https://shop.example.com/pay/WEB-1042' };
    expect(canonicalEvent.parse(ingest(JSON.stringify(failed)).canonical)).toMatchObject({ type: 'payment.failed', link: 'https://shop.example.com/pay/WEB-1042' });
    failed.payload.payment.entity.notes = [];
    failed.payload.payment_link = { entity: { short_url: 'https://rzp.io/i/nxrHnLJ' } };
    expect(canonicalEvent.parse(ingest(JSON.stringify(failed)).canonical)).toMatchObject({ link: 'https://rzp.io/i/nxrHnLJ', customer: { name: undefined } });
  });

  it('maps refund.processed to a partial refund when less than the payment was refunded', () => {
    expect(canonicalEvent.parse(ingest(fixture('refund.processed')).canonical)).toMatchObject({
      type: 'payment.refunded',
      paymentId: 'pay_DfjjBGgDS7Ft5y',
      refundId: 'rfnd_DfjjhJC6eDvUAi',
      amount: 50000,
      totalRefunded: 50000,
      paymentAmount: 100000,
      full: false,
    });
  });

  it('marks a refund full when the payment is refunded in full, and partial when the payment is absent', () => {
    const full = JSON.parse(fixture('refund.processed'));
    full.payload.payment.entity.amount_refunded = 100000;
    expect(ingest(JSON.stringify(full)).canonical).toMatchObject({ full: true, totalRefunded: 100000 });
    delete full.payload.payment;
    expect(ingest(JSON.stringify(full)).canonical).toMatchObject({ full: false, totalRefunded: undefined, paymentAmount: undefined });
  });

  it('maps payment.dispute.created', () => {
    expect(canonicalEvent.parse(ingest(fixture('payment.dispute.created')).canonical)).toMatchObject({
      type: 'payment.disputed',
      paymentId: 'pay_EFtmUsbwpXwBG9',
      disputeId: 'disp_EsIAlDcoUr8CaQ',
      amount: 10000,
      currency: 'inr',
      reason: 'chargeback',
    });
  });

  it.each(['payment.authorized', 'order.paid', 'refund.created'])('stores %s as ignored', (type) => {
    const body = JSON.parse(fixture('payment.authorized'));
    body.event = type;
    const e = ingest(JSON.stringify(body));
    expect(e.type).toBe(type);
    expect(e.canonical).toBeNull();
  });

  it('reads an event we act on that lacks its entity as unmapped, naming what is missing', () => {
    const body = JSON.parse(fixture('payment.captured'));
    body.payload = {};
    const e = ingest(JSON.stringify(body));
    expect(e).toMatchObject({ type: 'payment.captured', canonical: null });
    expect(e.unmappedReason).toMatch(/^razorpay payment.captured event KZd1p8Uu8Zo4aL could not be mapped: payment.captured has no payload.payment.entity$/);
  });
});

// Razorpay's documented samples (and test-mode payments) carry "" for what they do not know.
describe('razorpay samples with empty strings', () => {
  const withEntity = (name: string, entity: string, fields: Record<string, unknown>) => {
    const body = JSON.parse(fixture(name));
    Object.assign(body.payload[entity].entity, fields);
    return JSON.stringify(body);
  };

  it('reads an empty email and contact as absent', () => {
    const e = ingest(withEntity('payment.captured', 'payment', { email: '', contact: '' }));
    expect(e.unmappedReason).toBeNull();
    expect(e.canonical).toMatchObject({ type: 'payment.succeeded', customer: {} });
    const customer = (e.canonical as { customer: Record<string, unknown> }).customer;
    expect([customer.email, customer.phone]).toEqual([undefined, undefined]);
  });

  it('never yields a canonical event that breaks its schema: an empty currency is unmapped, with the reason', () => {
    const e = ingest(withEntity('payment.captured', 'payment', { currency: '', email: '', contact: '' }));
    expect(e).toMatchObject({ type: 'payment.captured', canonical: null });
    expect(e.unmappedReason).toMatch(/payment.succeeded it maps to is invalid: currency: /);
    expect(e.unmappedReason).not.toContain('pay_');
  });

  it("takes an empty refund currency from the refund's payment", () => {
    const e = ingest(withEntity('refund.processed', 'refund', { currency: '' }));
    expect(e.canonical).toMatchObject({ type: 'payment.refunded', currency: 'inr', amount: 50000 });
    expect(canonicalEvent.safeParse(e.canonical).success).toBe(true);
  });
});
