import { z } from 'zod';
import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';
import { toMinorUnits } from './to-minor-units';

export const paypalEvent = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  create_time: z.string(),
  resource_version: z.string().optional(),
  resource: z.record(z.string(), z.unknown()),
});
export type PaypalEvent = z.infer<typeof paypalEvent>;

const money = z.object({ currency_code: z.string().regex(/^[A-Za-z]{3}$/), value: z.string() });
const link = z.object({ href: z.string(), rel: z.string() });
const capture = z.object({
  id: z.string(),
  status: z.string().optional(),
  amount: money,
  custom_id: z.string().optional(),
  invoice_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
  supplementary_data: z.object({ related_ids: z.object({ order_id: z.string().optional() }).partial().optional() }).partial().optional(),
  payer: z.object({ name: z.object({ given_name: z.string().optional(), surname: z.string().optional() }).partial().optional(), email_address: z.string().optional() }).partial().optional(),
  links: z.array(link).default([]),
});
const refund = z.object({
  id: z.string(),
  amount: money,
  seller_payable_breakdown: z.object({ total_refunded_amount: money.optional() }).partial().optional(),
  links: z.array(link).default([]),
});
const dispute = z.object({
  dispute_id: z.string(),
  reason: z.string().optional(),
  dispute_amount: money,
  disputed_transactions: z
    .array(z.object({ seller_transaction_id: z.string().optional(), buyer: z.object({ name: z.string().optional(), email: z.string().optional() }).partial().optional() }))
    .default([]),
});

function parseResource<T>(schema: z.ZodType<T>, event: PaypalEvent): T {
  const parsed = schema.safeParse(event.resource);
  if (!parsed.success) throw new Error(`${event.event_type} resource: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'resource'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

const amountOf = (m: z.infer<typeof money>) => ({ amount: toMinorUnits(m.value, m.currency_code), currency: m.currency_code.toLowerCase() });

/** The payer, when the resource carries one (`payer.name.given_name` + `surname`). */
function payerOf(c: z.infer<typeof capture>) {
  const name = [c.payer?.name?.given_name, c.payer?.name?.surname].filter(Boolean).join(' ');
  return { ...(name ? { name } : {}), ...(c.payer?.email_address ? { email: c.payer.email_address } : {}) };
}

/** Where the buyer can approve a payment again, when PayPal links one. */
const payerActionOf = (links: z.infer<typeof link>[]) => links.find((l) => l.rel === 'payer-action' || l.rel === 'approve')?.href;

/** The capture a refund belongs to is only named by its `up` link (`/v2/payments/captures/{id}`). */
function captureIdOf(links: z.infer<typeof link>[]): string | undefined {
  const up = links.find((l) => l.rel === 'up' && /\/captures\/[^/]+$/.test(l.href));
  return up?.href.split('/').pop();
}

/** Maps the PayPal v2 capture (completed, declined/denied, refunded, reversed) and dispute events; everything else is stored as ignored. */
export function parsePaypalEvent(event: PaypalEvent, ctx: ParseContext): ParsedEvent {
  const time = new Date(event.create_time);
  const occurredAt = Number.isNaN(time.getTime()) ? null : time;
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId, occurredAt: (occurredAt ?? new Date()).toISOString() };
  let canonical: CanonicalEvent | null = null;
  switch (event.event_type) {
    case 'PAYMENT.CAPTURE.COMPLETED': {
      const c = parseResource(capture, event);
      canonical = { ...base, type: 'payment.succeeded', paymentId: c.id, orderId: c.supplementary_data?.related_ids?.order_id, ...amountOf(c.amount), customer: payerOf(c), link: `https://www.paypal.com/activity/payment/${c.id}` };
      break;
    }
    // PayPal sends DECLINED for a declined capture; DENIED is the older name of the same outcome.
    case 'PAYMENT.CAPTURE.DECLINED':
    case 'PAYMENT.CAPTURE.DENIED': {
      const c = parseResource(capture, event);
      canonical = { ...base, type: 'payment.failed', paymentId: c.id, orderId: c.supplementary_data?.related_ids?.order_id, ...amountOf(c.amount), customer: payerOf(c), failureCode: c.status_details?.reason ?? c.status, link: payerActionOf(c.links) };
      break;
    }
    // A reversal (PayPal took the capture's money back, e.g. a chargeback the buyer won) arrives as a
    // refund resource of the capture: the money is gone as surely as with a refund, so it folds the same.
    case 'PAYMENT.CAPTURE.REVERSED':
    case 'PAYMENT.CAPTURE.REFUNDED': {
      const r = parseResource(refund, event);
      const captureId = captureIdOf(r.links);
      if (!captureId) throw new Error(`${event.event_type} resource has no "up" link to its capture`);
      const total = r.seller_payable_breakdown?.total_refunded_amount;
      canonical = {
        ...base,
        type: 'payment.refunded',
        paymentId: captureId,
        refundId: r.id,
        ...amountOf(r.amount),
        totalRefunded: total ? toMinorUnits(total.value, total.currency_code) : undefined,
        // The refund resource does not carry the capture's amount, so whether it is now fully
        // refunded cannot be told from the webhook; consumers that care look the capture up.
        full: false,
        ...(event.event_type === 'PAYMENT.CAPTURE.REVERSED' ? { reason: 'reversal' as const } : {}),
        customer: {},
      };
      break;
    }
    case 'CUSTOMER.DISPUTE.CREATED': {
      const d = parseResource(dispute, event);
      const tx = d.disputed_transactions[0];
      canonical = {
        ...base,
        type: 'payment.disputed',
        paymentId: tx?.seller_transaction_id ?? d.dispute_id,
        disputeId: d.dispute_id,
        ...amountOf(d.dispute_amount),
        reason: d.reason,
        customer: { name: tx?.buyer?.name, email: tx?.buyer?.email },
      };
      break;
    }
  }
  return { type: event.event_type, occurredAt, canonical };
}
