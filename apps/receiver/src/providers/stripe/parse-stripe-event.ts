import { z } from 'zod';
import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';

export const stripeEvent = z.object({
  id: z.string().min(1),
  type: z.string(),
  created: z.number(),
  /** The API version the event's object is rendered in (the endpoint's, or the account default). */
  api_version: z.string().nullish(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEvent = z.infer<typeof stripeEvent>;

/** Who paid, where a webhook may carry it: a charge's billing details, when `latest_charge` comes expanded. */
const billingDetails = z.object({ email: z.string().nullish(), phone: z.string().nullish(), name: z.string().nullish() }).nullish();
const paymentIntent = z.object({
  id: z.string(),
  latest_charge: z.union([z.string(), z.object({ billing_details: billingDetails })]).nullish(),
  shipping: z.object({ name: z.string().nullish() }).nullish(),
  customer_details: z.object({ name: z.string().nullish(), email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
  amount: z.number().int(),
  amount_received: z.number().int().optional(),
  currency: z.string(),
  receipt_email: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  last_payment_error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});
const charge = z.object({
  id: z.string(),
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  currency: z.string(),
  payment_intent: z.string().nullish(),
  refunded: z.boolean(),
  receipt_email: z.string().nullish(),
  billing_details: billingDetails,
  metadata: z.record(z.string(), z.string()).nullish(),
  /** Only on API versions before 2022-11-15 (or when expanded): later charges carry no refund list. */
  refunds: z.object({ data: z.array(z.object({ id: z.string(), amount: z.number().int(), created: z.number() })) }).nullish(),
});
/** A Refund object (`refund.*`, `charge.refund.updated`): its own id and amount, on every API version. */
const refund = z.object({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  charge: z.string().nullish(),
  payment_intent: z.string().nullish(),
  status: z.string().nullish(),
});
/** A refund that did not (or will not) return money is not one; `pending` and `requires_action` are on their way. */
const NOT_REFUNDED = new Set(['failed', 'canceled']);
const dispute = z.object({ id: z.string(), amount: z.number().int(), currency: z.string(), charge: z.string(), payment_intent: z.string().nullish(), reason: z.string().nullish() });

function customerOf(metadata: Record<string, string> | null | undefined, email?: string | null, phone?: string | null, name?: string | null) {
  return {
    email: email ?? metadata?.email ?? undefined,
    phone: phone ?? metadata?.phone ?? undefined,
    name: name ?? metadata?.name ?? metadata?.customer_name ?? undefined,
  };
}

/** The merchant's order id: Stripe has no field for it, so it is in the metadata the checkout wrote. */
const orderIdOf = (metadata: Record<string, string> | null | undefined) => metadata?.order_id ?? metadata?.orderId ?? undefined;

/** A payment intent's customer: its billing details (expanded charge), checkout details, shipping name, metadata. */
function intentCustomerOf(pi: z.infer<typeof paymentIntent>) {
  const billing = typeof pi.latest_charge === 'object' ? pi.latest_charge?.billing_details : undefined;
  const details = pi.customer_details;
  return customerOf(pi.metadata, pi.receipt_email ?? billing?.email ?? details?.email, billing?.phone ?? details?.phone, billing?.name ?? details?.name ?? pi.shipping?.name);
}

/** Maps the Stripe event types we act on; anything else is stored as ignored. */
export function parseStripeEvent(event: StripeEvent, ctx: ParseContext): ParsedEvent {
  const occurredAt = new Date(event.created * 1000);
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId, occurredAt: occurredAt.toISOString() };
  const obj = event.data.object;
  let canonical: CanonicalEvent | null = null;
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const pi = paymentIntent.parse(obj);
      canonical = { ...base, type: 'payment.succeeded', paymentId: pi.id, orderId: orderIdOf(pi.metadata), amount: pi.amount_received ?? pi.amount, currency: pi.currency.toLowerCase(), customer: intentCustomerOf(pi), link: `https://dashboard.stripe.com/payments/${pi.id}` };
      break;
    }
    case 'payment_intent.payment_failed': {
      const pi = paymentIntent.parse(obj);
      // A retry link exists only where the merchant's checkout put one (Stripe has no field for it).
      const link = pi.metadata?.retry_url ?? pi.metadata?.payment_link;
      canonical = { ...base, type: 'payment.failed', paymentId: pi.id, orderId: orderIdOf(pi.metadata), amount: pi.amount, currency: pi.currency.toLowerCase(), customer: intentCustomerOf(pi), failureCode: pi.last_payment_error?.code ?? undefined, failureMessage: pi.last_payment_error?.message ?? undefined, ...(link ? { link } : {}) };
      break;
    }
    case 'charge.refunded': {
      // Before 2022-11-15 the charge lists its refunds and the newest is this event's refund. Since
      // then it does not: the event only tells the running total (no refund id, so it is folded as a
      // total and plans no refund notice); the refund itself comes as refund.created.
      const ch = charge.parse(obj);
      const latest = [...(ch.refunds?.data ?? [])].sort((a, b) => b.created - a.created)[0];
      canonical = {
        ...base,
        type: 'payment.refunded',
        paymentId: ch.payment_intent ?? ch.id,
        orderId: orderIdOf(ch.metadata),
        refundId: latest?.id,
        amount: latest?.amount ?? ch.amount_refunded,
        currency: ch.currency.toLowerCase(),
        totalRefunded: ch.amount_refunded,
        paymentAmount: ch.amount,
        full: ch.refunded,
        customer: customerOf(ch.metadata, ch.receipt_email ?? ch.billing_details?.email, ch.billing_details?.phone, ch.billing_details?.name),
      };
      break;
    }
    case 'refund.created':
    case 'refund.updated':
    case 'charge.refund.updated': {
      const r = refund.parse(obj);
      const paymentId = r.payment_intent ?? r.charge;
      if (!paymentId) throw new Error(`${event.type} refund has neither payment_intent nor charge`);
      if (r.status && NOT_REFUNDED.has(r.status)) break;
      canonical = {
        ...base,
        type: 'payment.refunded',
        paymentId,
        refundId: r.id,
        amount: r.amount,
        currency: r.currency.toLowerCase(),
        // The refund does not carry its charge's amount; the payment's state knows whether it is all of it.
        full: false,
        customer: {},
      };
      break;
    }
    case 'charge.dispute.created': {
      const d = dispute.parse(obj);
      canonical = { ...base, type: 'payment.disputed', paymentId: d.payment_intent ?? d.charge, disputeId: d.id, amount: d.amount, currency: d.currency.toLowerCase(), reason: d.reason ?? undefined, customer: {} };
      break;
    }
  }
  return { type: event.type, occurredAt, canonical };
}
