import { z } from 'zod';
import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';

export const stripeEvent = z.object({
  id: z.string().min(1),
  type: z.string(),
  created: z.number(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEvent = z.infer<typeof stripeEvent>;

const paymentIntent = z.object({
  id: z.string(),
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
  billing_details: z.object({ email: z.string().nullish(), phone: z.string().nullish(), name: z.string().nullish() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  refunds: z.object({ data: z.array(z.object({ id: z.string(), amount: z.number().int(), created: z.number() })) }).nullish(),
});
const dispute = z.object({ id: z.string(), amount: z.number().int(), currency: z.string(), charge: z.string(), payment_intent: z.string().nullish(), reason: z.string().nullish() });

function customerOf(metadata: Record<string, string> | null | undefined, email?: string | null, phone?: string | null, name?: string | null) {
  return {
    email: email ?? metadata?.email ?? undefined,
    phone: phone ?? metadata?.phone ?? undefined,
    name: name ?? metadata?.name ?? undefined,
  };
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
      canonical = { ...base, type: 'payment.succeeded', paymentId: pi.id, orderId: pi.metadata?.order_id, amount: pi.amount_received ?? pi.amount, currency: pi.currency.toLowerCase(), customer: customerOf(pi.metadata, pi.receipt_email), link: `https://dashboard.stripe.com/payments/${pi.id}` };
      break;
    }
    case 'payment_intent.payment_failed': {
      const pi = paymentIntent.parse(obj);
      canonical = { ...base, type: 'payment.failed', paymentId: pi.id, orderId: pi.metadata?.order_id, amount: pi.amount, currency: pi.currency.toLowerCase(), customer: customerOf(pi.metadata, pi.receipt_email), failureCode: pi.last_payment_error?.code ?? undefined, failureMessage: pi.last_payment_error?.message ?? undefined };
      break;
    }
    case 'charge.refunded': {
      const ch = charge.parse(obj);
      const latest = [...(ch.refunds?.data ?? [])].sort((a, b) => b.created - a.created)[0];
      canonical = {
        ...base,
        type: 'payment.refunded',
        paymentId: ch.payment_intent ?? ch.id,
        orderId: ch.metadata?.order_id,
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
    case 'charge.dispute.created': {
      const d = dispute.parse(obj);
      canonical = { ...base, type: 'payment.disputed', paymentId: d.payment_intent ?? d.charge, disputeId: d.id, amount: d.amount, currency: d.currency.toLowerCase(), reason: d.reason ?? undefined, customer: {} };
      break;
    }
  }
  return { type: event.type, occurredAt, canonical };
}
