import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addPaymentFact, canonicalEvent, foldPayment, paymentFactOf, type CanonicalOf, type PaymentFact } from '@switchyard/domain';
import type { InboundRequest } from '../provider-adapter';
import { readEvents } from '../../ingest/read-events';
import { stripeAdapter, type StripeConnection } from './stripe-adapter';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/stripe', `${name}.json`), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited freely below
const conn: StripeConnection = { name: 'default', webhookSecret: ['whsec_unused'] };

function request(body: string): InboundRequest {
  return { method: 'POST', originalUrl: '/webhooks/stripe', publicUrl: 'https://hooks.example.com/webhooks/stripe', headers: { 'content-type': 'application/json' }, query: {}, rawBody: Buffer.from(body) };
}

const read = (event: object) => readEvents(stripeAdapter, conn, request(JSON.stringify(event)))[0]!;
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
  return states[0]!;
}

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
    const refunds = [refundEvent('refund.created', t, 're_1', 500), refundEvent('refund.created', t + 60, 're_2', 700)];
    const events = [currentChargeRefunded(t, 500), refunds[0]!, currentChargeRefunded(t + 60, 1200), refunds[1]!];
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
