import { z } from 'zod';
import { tagEventEntity, transaction } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { PermanentError } from '@switchyard/errors';
import { recordPlans, type EventHandlerContext } from '@switchyard/worker-runtime';
import { planEffect, type RefundRequest } from '@switchyard/planning';

/** What a business system posts (as a Standard Webhooks event of type `refund.requested`) to ask for a refund. */
export const refundRequestData = z.object({
  requestId: z.string().min(1),
  provider: z.enum(['stripe', 'razorpay', 'paypal']),
  connection: z.string().default('default'),
  paymentId: z.string().min(1),
  amount: z.number().int().positive().optional(),
  currency: z.string().optional(),
  reason: z.string().optional(),
});

/**
 * A refund asked for by the business: one `payment.refund` effect per request id, performed with
 * the gateway's own idempotency key, so a repeated request or a crashed job refunds once.
 */
export async function handleRefundRequested(event: CanonicalOf<'generic.received'>, ctx: EventHandlerContext): Promise<void> {
  const parsed = refundRequestData.safeParse(event.data);
  if (!parsed.success) throw new PermanentError(`refund.requested event has invalid data: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`, 'INVALID_REFUND_REQUEST');
  const r = parsed.data;
  const key = `${r.provider}:${r.connection}:${r.paymentId}`;
  const request: RefundRequest = { provider: r.provider, connection: r.connection, paymentId: r.paymentId, ...(r.amount ? { amount: r.amount } : {}), ...(r.currency ? { currency: r.currency } : {}), ...(r.reason ? { reason: r.reason } : {}) };
  await transaction(ctx.db, async (tx) => {
    await tagEventEntity(tx, { eventId: ctx.eventId, entityType: 'payment', entityKey: key });
    await recordPlans(tx, { eventId: ctx.eventId, plans: [planEffect('payment.refund', { businessKey: `refund:${key}:${r.requestId}`, provider: r.provider, connection: r.connection, entityType: 'payment', entityKey: key, request })] });
  });
}
