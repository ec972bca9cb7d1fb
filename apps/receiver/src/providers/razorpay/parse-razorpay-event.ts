import { z } from 'zod';
import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';

export const razorpayEvent = z.object({
  entity: z.literal('event'),
  event: z.string().min(1),
  created_at: z.number().int(),
  payload: z.record(z.string(), z.unknown()),
});
export type RazorpayEvent = z.infer<typeof razorpayEvent>;

const payment = z.object({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  order_id: z.string().nullish(),
  amount_refunded: z.number().int().nullish(),
  email: z.string().nullish(),
  contact: z.string().nullish(),
  error_code: z.string().nullish(),
  error_reason: z.string().nullish(),
  error_description: z.string().nullish(),
  /** The merchant's key-value notes; Razorpay sends `[]` when there are none. */
  notes: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
});
const paymentLink = z.object({ short_url: z.string().nullish() });
const refund = z.object({ id: z.string(), amount: z.number().int(), currency: z.string(), payment_id: z.string() });
const dispute = z.object({ id: z.string(), payment_id: z.string(), amount: z.number().int(), currency: z.string(), reason_code: z.string().nullish() });

type Payment = z.infer<typeof payment>;

/** Razorpay wraps each entity as `payload.<name>.entity`. */
function entityOf<T>(event: RazorpayEvent, name: string, schema: z.ZodType<T>): T | undefined {
  const wrapper = event.payload[name] as { entity?: unknown } | undefined;
  if (wrapper?.entity === undefined) return undefined;
  const parsed = schema.safeParse(wrapper.entity);
  if (!parsed.success) throw new Error(`payload.${name}.entity: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'entity'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

function requireEntity<T>(event: RazorpayEvent, name: string, schema: z.ZodType<T>): T {
  const entity = entityOf(event, name, schema);
  if (!entity) throw new Error(`${event.event} has no payload.${name}.entity`);
  return entity;
}

function noteOf(p: Payment | undefined, ...keys: string[]): string | undefined {
  const notes = p?.notes && !Array.isArray(p.notes) ? p.notes : {};
  const value = keys.map((k) => notes[k]).find((v) => typeof v === 'string' && v.trim() !== '');
  return value as string | undefined;
}

/** Razorpay's samples (and test-mode payments) send `""` for an unknown email or contact: absent, not empty. */
function customerOf(p: Payment | undefined) {
  return { email: p?.email || undefined, phone: p?.contact || undefined, name: noteOf(p, 'name', 'customer_name') };
}

/** Razorpay's own order id, else the merchant's in the notes. */
const orderIdOf = (p: Payment | undefined) => p?.order_id ?? noteOf(p, 'order_id');

/** Maps the Razorpay events we act on; `payment.authorized`, `order.paid` and the rest are stored as ignored. */
export function parseRazorpayEvent(event: RazorpayEvent, ctx: ParseContext): ParsedEvent {
  const occurredAt = new Date(event.created_at * 1000);
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId, occurredAt: occurredAt.toISOString() };
  let canonical: CanonicalEvent | null = null;
  switch (event.event) {
    case 'payment.captured': {
      const p = requireEntity(event, 'payment', payment);
      canonical = { ...base, type: 'payment.succeeded', paymentId: p.id, orderId: orderIdOf(p), amount: p.amount, currency: p.currency.toLowerCase(), customer: customerOf(p), link: `https://dashboard.razorpay.com/app/payments/${p.id}` };
      break;
    }
    case 'payment.failed': {
      const p = requireEntity(event, 'payment', payment);
      canonical = {
        ...base,
        type: 'payment.failed',
        paymentId: p.id,
        orderId: orderIdOf(p),
        amount: p.amount,
        currency: p.currency.toLowerCase(),
        customer: customerOf(p),
        // error_code is a coarse class (BAD_REQUEST_ERROR); error_reason says what happened.
        failureCode: p.error_reason ?? p.error_code ?? undefined,
        failureMessage: p.error_description ?? undefined,
        // Where to pay again: the payment link it was made through, else the merchant's note.
        link: entityOf(event, 'payment_link', paymentLink)?.short_url ?? noteOf(p, 'retry_url', 'payment_link'),
      };
      break;
    }
    case 'refund.processed': {
      const r = requireEntity(event, 'refund', refund);
      const p = entityOf(event, 'payment', payment);
      const totalRefunded = p?.amount_refunded ?? undefined;
      canonical = {
        ...base,
        type: 'payment.refunded',
        paymentId: r.payment_id,
        orderId: orderIdOf(p),
        refundId: r.id,
        amount: r.amount,
        // A refund is in its payment's currency; an empty one is taken from the payment when it came along.
        currency: (r.currency || p?.currency || '').toLowerCase(),
        totalRefunded,
        paymentAmount: p?.amount,
        // Without the payment entity we cannot tell; a partial refund is the safe reading.
        full: p !== undefined && totalRefunded !== undefined && totalRefunded >= p.amount,
        customer: customerOf(p),
      };
      break;
    }
    case 'payment.dispute.created': {
      const d = requireEntity(event, 'dispute', dispute);
      const p = entityOf(event, 'payment', payment);
      canonical = { ...base, type: 'payment.disputed', paymentId: d.payment_id, disputeId: d.id, amount: d.amount, currency: d.currency.toLowerCase(), reason: d.reason_code ?? undefined, customer: customerOf(p) };
      break;
    }
  }
  return { type: event.event, occurredAt, canonical };
}
