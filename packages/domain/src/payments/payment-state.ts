import type { CanonicalOf } from '../events/canonical-event';

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'partially_refunded' | 'refunded';

type PaymentEvent = CanonicalOf<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed'>;

/** One thing we learned about a payment, kept so that any arrival order folds to the same state. */
export interface PaymentFact {
  /** Unique per fact: the provider's event id. */
  id: string;
  kind: 'succeeded' | 'failed' | 'refunded' | 'disputed';
  occurredAt: string;
  amount?: number;
  currency?: string;
  orderId?: string;
  refundId?: string;
  refundAmount?: number;
  totalRefunded?: number;
  full?: boolean;
  disputeId?: string;
  customer?: { email?: string; phone?: string; name?: string; id?: string };
  link?: string;
}

export interface PaymentState {
  status: PaymentStatus;
  amount: number | null;
  currency: string | null;
  orderId: string | null;
  refundedAmount: number;
  disputed: boolean;
  customer: { email?: string; phone?: string; name?: string; id?: string };
  link: string | null;
  lastOccurredAt: string | null;
}

const KIND = { 'payment.succeeded': 'succeeded', 'payment.failed': 'failed', 'payment.refunded': 'refunded', 'payment.disputed': 'disputed' } as const;

export function paymentFactOf(event: PaymentEvent): PaymentFact {
  const fact: PaymentFact = { id: event.providerEventId, kind: KIND[event.type], occurredAt: event.occurredAt, currency: event.currency, customer: event.customer };
  if ('orderId' in event && event.orderId) fact.orderId = event.orderId;
  switch (event.type) {
    case 'payment.succeeded':
      fact.amount = event.amount;
      if (event.link) fact.link = event.link;
      break;
    case 'payment.failed':
      fact.amount = event.amount;
      break;
    case 'payment.refunded':
      fact.refundAmount = event.amount;
      fact.full = event.full;
      if (event.refundId) fact.refundId = event.refundId;
      if (event.totalRefunded !== undefined) fact.totalRefunded = event.totalRefunded;
      if (event.paymentAmount !== undefined) fact.amount = event.paymentAmount;
      break;
    case 'payment.disputed':
      fact.disputeId = event.disputeId;
      break;
  }
  return fact;
}

/** The key of the payment an event is about: one row per provider account and payment id. */
export function paymentKey(event: { provider: string; connection: string; paymentId: string }): string {
  return `${event.provider}:${event.connection}:${event.paymentId}`;
}

function byOccurrence(a: PaymentFact, b: PaymentFact): number {
  return a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
}

/** Adds a fact unless it is already known (same id). Returns null when nothing changed. */
export function addPaymentFact(facts: readonly PaymentFact[], fact: PaymentFact): PaymentFact[] | null {
  if (facts.some((f) => f.id === fact.id)) return null;
  return [...facts, fact].sort(byOccurrence);
}

/**
 * Folds facts into a state. The result does not depend on the order facts arrived in:
 * - success is sticky: a failed attempt never overrides a payment that succeeded (before or after);
 * - refunds accumulate by refund id, each with its own amount, so the same refund reported twice
 *   (Stripe's charge.refunded and refund.created) counts once; a fact without a refund id only
 *   reports the provider's running total, which wins when larger; a refund that arrives before its
 *   payment's success is kept and applied;
 * - a dispute flags the payment for good;
 * - for plain attributes (amount, customer, link) the newest fact that carries them wins.
 */
export function foldPayment(facts: readonly PaymentFact[]): PaymentState {
  const sorted = [...facts].sort(byOccurrence);
  const state: PaymentState = { status: 'pending', amount: null, currency: null, orderId: null, refundedAmount: 0, disputed: false, customer: {}, link: null, lastOccurredAt: null };
  let succeeded = false;
  let failed = false;
  let fullRefund = false;
  let maxTotal = 0;
  let refundSeen = false;
  const refunds = new Map<string, number>();
  for (const f of sorted) {
    if (f.amount !== undefined && (f.kind !== 'refunded' || state.amount === null)) state.amount = f.amount;
    if (f.currency) state.currency = f.currency;
    if (f.orderId) state.orderId = f.orderId;
    if (f.link) state.link = f.link;
    if (f.customer) state.customer = { ...state.customer, ...definedOnly(f.customer) };
    state.lastOccurredAt = f.occurredAt;
    if (f.kind === 'succeeded') succeeded = true;
    if (f.kind === 'failed') failed = true;
    if (f.kind === 'disputed') state.disputed = true;
    if (f.kind === 'refunded') {
      refundSeen = true;
      if (f.refundId) refunds.set(f.refundId, f.refundAmount ?? 0);
      const total = f.totalRefunded ?? (f.refundId ? undefined : f.refundAmount);
      if (total !== undefined) maxTotal = Math.max(maxTotal, total);
      if (f.full) fullRefund = true;
    }
  }
  const sum = [...refunds.values()].reduce((a, b) => a + b, 0);
  state.refundedAmount = Math.max(sum, maxTotal);
  if (fullRefund && state.amount !== null) state.refundedAmount = Math.max(state.refundedAmount, state.amount);
  if (refundSeen) state.status = fullRefund || (state.amount !== null && state.refundedAmount >= state.amount) ? 'refunded' : 'partially_refunded';
  else if (succeeded) state.status = 'succeeded';
  else if (failed) state.status = 'failed';
  return state;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

const PAID: readonly string[] = ['succeeded', 'partially_refunded', 'refunded'] satisfies PaymentStatus[];

/** True once money was taken (refunds and disputes imply it), whatever the arrival order. */
export function isPaid(state: PaymentState): boolean {
  return isPaidStatus(state.status);
}

/** isPaid for a stored payment row, whose status column is text. */
export function isPaidStatus(status: string): boolean {
  return PAID.includes(status);
}
