import { addPaymentFact, foldPayment, type PaymentFact } from './payment-state';

const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s)).toISOString();
// Tuples, so facts[1] is a fact (not possibly undefined).
const facts: [PaymentFact, PaymentFact, PaymentFact, PaymentFact, PaymentFact] = [
  { id: 'e1', kind: 'failed', occurredAt: at(1), amount: 5000, currency: 'usd' },
  { id: 'e2', kind: 'succeeded', occurredAt: at(2), amount: 5000, currency: 'usd', customer: { phone: '15550001111' } },
  { id: 'e3', kind: 'refunded', occurredAt: at(3), refundId: 're_1', refundAmount: 1000, full: false, currency: 'usd' },
  { id: 'e4', kind: 'refunded', occurredAt: at(4), refundId: 're_2', refundAmount: 1500, totalRefunded: 2500, full: false, currency: 'usd' },
  { id: 'e5', kind: 'disputed', occurredAt: at(5), disputeId: 'dp_1', currency: 'usd' },
];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

function applyAll(order: PaymentFact[]): PaymentFact[] {
  let acc: PaymentFact[] = [];
  for (const f of order) acc = addPaymentFact(acc, f) ?? acc;
  return acc;
}

describe('payment state', () => {
  it('folds every arrival order (and duplicates) of the same facts to the same state', () => {
    const expected = foldPayment(facts);
    expect(expected).toMatchObject({ status: 'partially_refunded', amount: 5000, refundedAmount: 2500, disputed: true, customer: { phone: '15550001111' } });
    for (const order of permutations(facts)) {
      // ... followed by a second copy of its first and third facts.
      expect(foldPayment(applyAll([...order, ...order.slice(0, 1), ...order.slice(2, 3)]))).toEqual(expected);
    }
  });

  it('keeps success over a failed attempt whichever arrives last', () => {
    expect(foldPayment([facts[1], facts[0]]).status).toBe('succeeded');
    expect(foldPayment([{ ...facts[0], occurredAt: at(9) }, facts[1]]).status).toBe('succeeded');
  });

  it('keeps a refund that arrives before its payment succeeded and applies it', () => {
    const early = applyAll([facts[2]]);
    expect(foldPayment(early)).toMatchObject({ status: 'partially_refunded', refundedAmount: 1000 });
    expect(foldPayment(applyAll([facts[2], facts[1]]))).toMatchObject({ status: 'partially_refunded', amount: 5000, refundedAmount: 1000 });
  });

  it('marks a full refund as refunded', () => {
    const full: PaymentFact = { id: 'e6', kind: 'refunded', occurredAt: at(6), refundId: 're_3', refundAmount: 5000, full: true };
    expect(foldPayment([facts[1], full])).toMatchObject({ status: 'refunded', refundedAmount: 5000 });
  });

  it('reads a refund fact without a refund id as the running total only, never as one more refund', () => {
    const totals: [PaymentFact, PaymentFact] = [
      { id: 'e7', kind: 'refunded', occurredAt: at(3), refundAmount: 1000, totalRefunded: 1000, full: false },
      { id: 'e8', kind: 'refunded', occurredAt: at(4), refundAmount: 2500, totalRefunded: 2500, full: false },
    ];
    for (const order of permutations([facts[1], facts[2], facts[3], ...totals])) expect(foldPayment(applyAll(order))).toMatchObject({ status: 'partially_refunded', refundedAmount: 2500 });
    expect(foldPayment([facts[1], totals[0]])).toMatchObject({ status: 'partially_refunded', refundedAmount: 1000 });
  });

  it('ignores a fact it already has', () => {
    expect(addPaymentFact(facts, facts[3])).toBeNull();
  });
});
