import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addPaymentFact, canonicalEvent, foldPayment, paymentFactOf, type CanonicalOf, type PaymentFact } from '@switchyard/domain';
import Stripe from 'stripe';
import type { InboundRequest } from '../provider-adapter';
import { readEvents } from '../../ingest/read-events';
import { rejectionOf, verifyNow } from '../../../test/support/adapter-kit';
import { stripeAdapter, type StripeConnection } from './stripe-adapter';
import { must } from '@switchyard/testing';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/stripe', `${name}.json`), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited freely below
const conn: StripeConnection = { name: 'default', webhookSecret: ['whsec_unused'] };

function request(body: string, headers: Record<string, string | undefined> = {}): InboundRequest {
  return { method: 'POST', originalUrl: '/webhooks/stripe', publicUrl: 'https://hooks.example.com/webhooks/stripe', headers: { 'content-type': 'application/json', ...headers }, query: {}, rawBody: Buffer.from(body) };
}

const read = (event: object) => must(readEvents(stripeAdapter, conn, request(JSON.stringify(event)))[0], 'one event in the delivery');
type Refunded = CanonicalOf<'payment.refunded'>;
const refunded = (event: object) => canonicalEvent.parse(read(event).canonical) as Refunded;

const PI = 'pi_3MtwBwLkdIwHu7ix28a3tqPa';
let seq = 0;

/** charge.refunded as an API version before 2022-11-15 renders it: the charge lists its refunds. */
function oldChargeRefunded(at: number, refunds: { id: string; amount: number; created: number }[], amount = 2000) {
  const e = fixture('charge.refunded.2022-08-01');
  const total = refunds.reduce((a, r) => a + r.amount, 0);
  return { ...e, id: `evt_old_${++seq}`, created: at, data: { object: { ...e.data.object, amount, amount_refunded: total, refunded: total >= amount, refunds: { object: 'list', data: refunds } } } };
}

/** charge.refunded since 2022-11-15: the running total only. */
function currentChargeRefunded(at: number, total: number, amount = 2000) {
  const e = fixture('charge.refunded.2024-06-20');
  return { ...e, id: `evt_cur_${++seq}`, created: at, data: { object: { ...e.data.object, amount, amount_refunded: total, refunded: total >= amount } } };
}

function refundEvent(type: string, at: number, id: string, amount: number, status = 'succeeded') {
  const e = fixture('refund.created');
  return { ...e, id: `evt_ref_${++seq}`, type, created: at, data: { object: { ...e.data.object, id, amount, status, created: at - 1 } } };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Every arrival order of the events, each delivered twice, folded as the payments worker folds them. */
function foldAllOrders(events: object[]) {
  const facts = events.map((e) => paymentFactOf(refunded(e)));
  const succeeded: PaymentFact = { id: 'evt_paid', kind: 'succeeded', occurredAt: new Date(1686089000_000).toISOString(), amount: 2000, currency: 'usd' };
  const states = permutations([succeeded, ...facts]).map((order) => {
    let acc: PaymentFact[] = [];
    for (const f of [...order, ...order]) acc = addPaymentFact(acc, f) ?? acc;
    return foldPayment(acc);
  });
  for (const s of states) expect(s).toEqual(states[0]);
  return must(states[0], 'a state');
}

// Signatures come from Stripe's own package, never from our verifier's code.
const stripe = new Stripe('sk_test_unused');
const rotated: StripeConnection = { name: 'default', webhookSecret: ['whsec_current', 'whsec_previous'] };
const now = new Date('2026-12-01T10:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const sign = (payload: string, secret = 'whsec_current', timestamp = nowSeconds) => stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const signed = (body: string, header: string = sign(body)) => request(body, { 'stripe-signature': header });
const verify = (req: InboundRequest, at = now) => () => stripeAdapter.verify(req, rotated, at);

/** A delivery as the receiver takes it: verified, then split and parsed. */
function ingest(body: string) {
  const req = signed(body);
  verifyNow(stripeAdapter, req, rotated, now);
  return must(readEvents(stripeAdapter, rotated, req)[0], 'one event in the delivery');
}
const ingestEvent = (event: object) => ingest(JSON.stringify(event));

describe('stripe verify', () => {
  const body = JSON.stringify(fixture('payment_intent.succeeded'));

  it.each(['whsec_current', 'whsec_previous'])("accepts what Stripe's library signs with %s (two rotated secrets)", (secret) => {
    expect(verify(signed(body, sign(body, secret)))).not.toThrow();
  });

  it('accepts a header with several signatures when any v1 matches (Stripe rolling its own secret)', () => {
    const header = sign(body);
    const [t, v1] = header.split(',');
    expect(verify(signed(body, `${t},v1=${'0'.repeat(64)},${v1}`))).not.toThrow();
    expect(verify(signed(body, `${header},v0=${'1'.repeat(64)}`))).not.toThrow();
  });

  it('refuses a missing header', () => {
    const r = rejectionOf(verify(request(body)));
    expect([r.reason, r.status, r.message]).toEqual(['missing_signature', 401, 'missing Stripe-Signature header']);
  });

  it.each<[string, (b: string) => InboundRequest, RegExp]>([
    ['a wrong secret', (b) => signed(b, sign(b, 'whsec_someone_else')), /does not match the payload for any configured secret/],
    ['a tampered body', (b) => signed(b.replace('"amount":2000', '"amount":9000'), sign(b)), /does not match the payload for any configured secret/],
    ['a signature moved to another timestamp', (b) => signed(b, sign(b).replace(`t=${nowSeconds}`, `t=${nowSeconds + 1}`)), /does not match the payload for any configured secret/],
    ['a non-hex signature', (b) => signed(b, `t=${nowSeconds},v1=not-hex!`), /does not match the payload for any configured secret/],
    ['only a v0 signature', (b) => signed(b, sign(b).replace('v1=', 'v0=')), /has no timestamp or no v1 signature/],
    ['no timestamp', (b) => signed(b, sign(b).split(',')[1]), /has no timestamp or no v1 signature/],
    ['a timestamp that is not a number', (b) => signed(b, sign(b).replace(`t=${nowSeconds}`, 't=yesterday')), /has no timestamp or no v1 signature/],
  ])('refuses %s', (_name, make, message) => {
    const r = rejectionOf(verify(make(body)));
    expect([r.reason, r.status]).toEqual(['invalid_signature', 401]);
    expect(r.message).toMatch(message);
    expect(r.message).not.toMatch(/whsec_/);
  });

  it.each<[string, number, string | null]>([
    ['signed 299 s ago', -299, null],
    ['signed 299 s ahead', 299, null],
    ['signed 301 s ago', -301, 'Stripe-Signature timestamp is 301 s away from now (tolerance 300 s)'],
    ['signed 301 s ahead', 301, 'Stripe-Signature timestamp is 301 s away from now (tolerance 300 s)'],
  ])('%s: %s', (_name, offset, stale) => {
    const check = verify(signed(body, sign(body, 'whsec_current', nowSeconds + offset)));
    if (stale === null) expect(check).not.toThrow();
    else expect([rejectionOf(check).reason, rejectionOf(check).message]).toEqual(['stale_timestamp', stale]);
  });
});

describe('stripe split', () => {
  it('reads one event per delivery (Stripe does not batch), the payload exactly as sent', () => {
    const sent = { ...fixture('payment_intent.succeeded'), future_field: { nested: [1, 2] } };
    const items = stripeAdapter.split(request(JSON.stringify(sent), { 'content-type': 'application/json; charset=utf-8' }), rotated);
    expect(items).toHaveLength(1);
    expect(items[0]?.payload).toEqual(sent);
    expect(items[0]?.event).toMatchObject({ id: 'evt_3MtwBwLkdIwHu7ix28a3tqPa', type: 'payment_intent.succeeded' });
  });

  it('refuses malformed JSON, a body that is not a Stripe event and a wrong content type', () => {
    const malformed = rejectionOf(() => stripeAdapter.split(request('{"id":'), rotated));
    expect([malformed.reason, malformed.status]).toEqual(['malformed_body', 400]);
    expect(malformed.message).toMatch(/not valid JSON/);
    const notEvent = rejectionOf(() => stripeAdapter.split(request('{"hello":"world"}'), rotated));
    expect([notEvent.reason, notEvent.status]).toEqual(['malformed_body', 400]);
    expect(notEvent.message).toMatch(/^not a Stripe event: id /);
    const wrongType = rejectionOf(() => stripeAdapter.split(request('{}', { 'content-type': 'text/plain' }), rotated));
    expect([wrongType.reason, wrongType.status]).toEqual(['wrong_content_type', 415]);
  });
});

describe('stripe parse', () => {
  it('maps payment_intent.succeeded to payment.succeeded in cents, at the event time', () => {
    const e = ingest(JSON.stringify(fixture('payment_intent.succeeded')));
    expect(e).toMatchObject({ providerEventId: 'evt_3MtwBwLkdIwHu7ix28a3tqPa', type: 'payment_intent.succeeded', apiVersion: '2024-06-20', unknownApiVersion: false, unmappedReason: null });
    expect(e.occurredAt?.toISOString()).toBe('2023-03-29T04:27:08.000Z');
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({
      type: 'payment.succeeded',
      provider: 'stripe',
      connection: 'default',
      providerEventId: 'evt_3MtwBwLkdIwHu7ix28a3tqPa',
      occurredAt: '2023-03-29T04:27:08.000Z',
      paymentId: PI,
      orderId: 'ord_1001',
      amount: 2000,
      currency: 'usd',
      customer: { email: 'jenny.rosen@example.com', phone: '+15551234567' },
      link: `https://dashboard.stripe.com/payments/${PI}`,
    });
  });

  it('takes the amount received, and the currency in lower case', () => {
    const event = fixture('payment_intent.succeeded');
    event.data.object = { ...event.data.object, amount: 2000, amount_received: 1500, currency: 'USD' };
    expect(ingestEvent(event).canonical).toMatchObject({ amount: 1500, currency: 'usd' });
  });

  it('maps payment_intent.payment_failed with the decline, and no retry link unless the metadata names one', () => {
    const e = ingest(JSON.stringify(fixture('payment_intent.payment_failed')));
    expect(e.occurredAt?.toISOString()).toBe('2023-03-29T04:28:22.000Z');
    const failed = canonicalEvent.parse(e.canonical);
    expect(failed).toMatchObject({ type: 'payment.failed', paymentId: PI, orderId: 'ord_1001', amount: 2000, currency: 'usd', failureCode: 'card_declined', failureMessage: 'Your card was declined.', customer: { email: 'jenny.rosen@example.com' } });
    expect(failed).not.toHaveProperty('link');
  });

  it('maps charge.dispute.created; a dispute without a payment intent is about its charge', () => {
    const e = ingest(JSON.stringify(fixture('charge.dispute.created')));
    expect(e).toMatchObject({ providerEventId: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', type: 'charge.dispute.created' });
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'payment.disputed', paymentId: 'ch_1AZtxr2eZvKYlo2CJDX8whov', disputeId: 'du_1MtJUT2eZvKYlo2CNaw2HvEv', amount: 1000, currency: 'usd', reason: 'general' });
    const withIntent = fixture('charge.dispute.created');
    withIntent.data.object.payment_intent = PI;
    expect(ingestEvent(withIntent).canonical).toMatchObject({ type: 'payment.disputed', paymentId: PI });
  });

  it.each(['payment_intent.created', 'payment_intent.processing', 'payment_intent.canceled', 'charge.succeeded', 'charge.dispute.closed', 'customer.created', 'checkout.session.completed'])('stores %s as ignored', (type) => {
    const e = ingestEvent({ ...fixture('payment_intent.succeeded'), type });
    expect(e).toMatchObject({ type, canonical: null, unmappedReason: null });
  });

  it('reads an event we act on whose object lacks a field as unmapped, naming the field', () => {
    const event = fixture('payment_intent.succeeded');
    delete event.data.object.amount;
    const e = ingestEvent(event);
    expect(e).toMatchObject({ type: 'payment_intent.succeeded', canonical: null });
    expect(e.unmappedReason).toMatch(/^stripe payment_intent.succeeded event evt_3MtwBwLkdIwHu7ix28a3tqPa could not be mapped: amount: /);
    const orphan = fixture('refund.created');
    orphan.data.object = { ...orphan.data.object, payment_intent: null, charge: null };
    expect(ingestEvent(orphan).unmappedReason).toMatch(/could not be mapped: refund.created refund has neither payment_intent nor charge$/);
  });
});

describe('stripe charge.refunded across API versions', () => {
  it('on 2022-08-01 (refunds listed) names the newest refund with its own amount', () => {
    const first = refunded(fixture('charge.refunded.2022-08-01'));
    expect(first).toMatchObject({ type: 'payment.refunded', paymentId: PI, refundId: 're_3MtwBwLkdIwHu7ix2ZQfNqLb', amount: 500, totalRefunded: 500, paymentAmount: 2000, full: false });
    const second = refunded(oldChargeRefunded(1686090000, [{ id: 're_A', amount: 500, created: 1686089969 }, { id: 're_B', amount: 700, created: 1686089999 }]));
    expect(second).toMatchObject({ refundId: 're_B', amount: 700, totalRefunded: 1200 });
  });

  it('on 2024-06-20 (no refunds list) reports only the running total: no refund id, never the total as a refund', () => {
    const e = refunded(currentChargeRefunded(1686090000, 1200));
    expect(e).toMatchObject({ type: 'payment.refunded', paymentId: PI, amount: 1200, totalRefunded: 1200, full: false });
    expect(e.refundId).toBeUndefined();
    expect(refunded(currentChargeRefunded(1686090000, 2000))).toMatchObject({ full: true });
  });

  it('knows both versions', () => {
    expect(read(fixture('charge.refunded.2022-08-01'))).toMatchObject({ apiVersion: '2022-08-01', unknownApiVersion: false });
    expect(read(fixture('charge.refunded.2024-06-20'))).toMatchObject({ apiVersion: '2024-06-20', unknownApiVersion: false });
  });
});

describe('stripe refund events', () => {
  it.each(['refund.created', 'refund.updated', 'charge.refund.updated'])('maps %s to the refund with its own id and amount', (type) => {
    expect(refunded(refundEvent(type, 1686090000, 're_X', 700))).toMatchObject({ type: 'payment.refunded', paymentId: PI, refundId: 're_X', amount: 700, currency: 'usd', full: false });
  });

  it('names the charge when the refund has no payment intent', () => {
    const e = refundEvent('refund.created', 1686090000, 're_Y', 300);
    e.data.object.payment_intent = null;
    expect(refunded(e)).toMatchObject({ paymentId: 'ch_3MtwBwLkdIwHu7ix28IC9bgM', refundId: 're_Y' });
  });

  it('stores a failed or canceled refund as ignored: no money went back', () => {
    for (const status of ['failed', 'canceled']) expect(read(refundEvent('refund.updated', 1686090000, 're_Z', 300, status))).toMatchObject({ type: 'refund.updated', canonical: null, unmappedReason: null });
  });
});

describe('stripe refunds folded into the payment, in every arrival order', () => {
  const t = 1686090000;

  it('a partial refund on the current API (charge.refunded + refund.created) counts once', () => {
    expect(foldAllOrders([currentChargeRefunded(t, 500), refundEvent('refund.created', t, 're_1', 500)])).toMatchObject({ status: 'partially_refunded', refundedAmount: 500 });
  });

  it('a full refund on the current API', () => {
    expect(foldAllOrders([currentChargeRefunded(t, 2000), refundEvent('refund.created', t, 're_1', 2000)])).toMatchObject({ status: 'refunded', refundedAmount: 2000 });
  });

  it('two partial refunds on the current API: each its own amount, the right total', () => {
    const first = refundEvent('refund.created', t, 're_1', 500);
    const second = refundEvent('refund.created', t + 60, 're_2', 700);
    const refunds = [first, second];
    const events = [currentChargeRefunded(t, 500), first, currentChargeRefunded(t + 60, 1200), second];
    expect(refunds.map((e) => refunded(e).amount)).toEqual([500, 700]);
    expect(foldAllOrders(events)).toMatchObject({ status: 'partially_refunded', refundedAmount: 1200 });
  });

  it('two partial refunds on an old API version, with refund.created for the same refunds too', () => {
    const r1 = { id: 're_1', amount: 500, created: t - 1 };
    const r2 = { id: 're_2', amount: 700, created: t + 59 };
    const events = [oldChargeRefunded(t, [r1]), oldChargeRefunded(t + 60, [r1, r2]), refundEvent('refund.created', t, 're_1', 500), refundEvent('refund.created', t + 60, 're_2', 700)];
    expect(foldAllOrders(events)).toMatchObject({ status: 'partially_refunded', refundedAmount: 1200 });
  });

  it('a full refund on an old API version', () => {
    expect(foldAllOrders([oldChargeRefunded(t, [{ id: 're_1', amount: 2000, created: t - 1 }])])).toMatchObject({ status: 'refunded', refundedAmount: 2000 });
  });
});

describe('stripe API versions', () => {
  it('maps an event of an unknown version whose shape parses, and flags it', () => {
    const e = read({ ...fixture('refund.created'), api_version: '2099-01-01.future' });
    expect(e).toMatchObject({ apiVersion: '2099-01-01.future', unknownApiVersion: true, unmappedReason: null });
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'payment.refunded', refundId: 're_3MtwBwLkdIwHu7ix2ZQfNqLb' });
  });

  it('stores an event of an unknown version whose shape does not parse as unmapped, naming the version', () => {
    const e = fixture('refund.created');
    const { amount: _gone, ...object } = e.data.object;
    const r = read({ ...e, api_version: '2099-01-01.future', data: { object: { ...object, amount_v2: { value: 500 } } } });
    expect(r).toMatchObject({ canonical: null, unknownApiVersion: true });
    expect(r.unmappedReason).toMatch(/could not be mapped: amount: .*\(sent with stripe API version 2099-01-01.future, which this adapter does not know; it knows 2020-08-27, /);
  });
});
