import { createHmac } from 'node:crypto';
import { ids } from '../support/ids';
import { unix } from './json';
import { RETRY_SCHEDULES } from './retry-schedules';
import { receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

const EVENTS = ['payment.captured', 'payment.failed', 'refund.processed', 'payment.dispute.created'] as const;

function payment(ctx: BuildContext, status: 'captured' | 'failed', amountRefunded = 0): Record<string, unknown> {
  const { subject: s, now } = ctx;
  const failed = status === 'failed';
  return {
    id: s.razorpay.payment,
    entity: 'payment',
    amount: s.amount,
    currency: 'INR',
    status,
    order_id: s.razorpay.order,
    invoice_id: null,
    international: false,
    method: 'upi',
    amount_refunded: amountRefunded,
    refund_status: amountRefunded === 0 ? null : amountRefunded >= s.amount ? 'full' : 'partial',
    captured: !failed,
    description: 'Switchyard sandbox order',
    card_id: null,
    bank: null,
    wallet: null,
    vpa: `${s.email.split('@')[0]}@okhdfcbank`,
    email: s.email,
    contact: `+${s.phone}`,
    notes: [],
    fee: failed ? null : Math.round(s.amount * 0.02),
    tax: failed ? null : Math.round(s.amount * 0.0036),
    error_code: failed ? 'BAD_REQUEST_ERROR' : null,
    error_description: failed ? 'Payment was unsuccessful as you may have cancelled the payment on the UPI app.' : null,
    error_source: failed ? 'customer' : null,
    error_step: failed ? 'payment_authorization' : null,
    error_reason: failed ? 'payment_cancelled' : null,
    acquirer_data: { rrn: ids.digits(ctx.rng, 12), upi_transaction_id: ids.hex(ctx.rng, 32).toUpperCase() },
    created_at: unix(now) - 30,
  };
}

function payloadFor(event: string, ctx: BuildContext): { contains: string[]; payload: Record<string, unknown> } {
  const { subject: s, now, rng } = ctx;
  switch (event) {
    case 'payment.captured':
      return { contains: ['payment'], payload: { payment: { entity: payment(ctx, 'captured') } } };
    case 'payment.failed':
      return { contains: ['payment'], payload: { payment: { entity: payment(ctx, 'failed') } } };
    case 'refund.processed':
      return {
        contains: ['refund', 'payment'],
        payload: {
          refund: {
            entity: {
              id: ids.razorpay(rng, 'rfnd'),
              entity: 'refund',
              amount: s.amount,
              currency: 'INR',
              payment_id: s.razorpay.payment,
              notes: [],
              receipt: null,
              acquirer_data: { arn: ids.digits(rng, 12) },
              created_at: unix(now),
              batch_id: null,
              status: 'processed',
              speed_processed: 'normal',
              speed_requested: 'optimum',
            },
          },
          payment: { entity: payment(ctx, 'captured', s.amount) },
        },
      };
    case 'payment.dispute.created':
      return {
        contains: ['payment', 'dispute'],
        payload: {
          payment: { entity: payment(ctx, 'captured') },
          dispute: {
            entity: {
              id: ids.razorpay(rng, 'disp'),
              entity: 'dispute',
              payment_id: s.razorpay.payment,
              amount: s.amount,
              currency: 'INR',
              amount_deducted: 0,
              reason_code: 'chargeback',
              respond_by: unix(now) + 10 * 86_400,
              status: 'open',
              phase: 'chargeback',
              created_at: unix(now),
            },
          },
        },
      };
    default:
      throw new UnknownEventError('razorpay', event, EVENTS);
  }
}

/** Razorpay: `X-Razorpay-Signature` = hex HMAC-SHA256(webhook secret, raw body). */
export function signRazorpay(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function buildRazorpay(event: string, ctx: BuildContext): WebhookRequest {
  const { contains, payload } = payloadFor(event, ctx);
  const eventId = ids.alnum(ctx.rng, 14);
  const body = JSON.stringify({
    entity: 'event',
    account_id: `acc_${ids.alnum(ctx.rng, 14)}`,
    event,
    contains,
    payload,
    created_at: unix(ctx.now),
  });
  return {
    provider: 'razorpay',
    event,
    eventId,
    eventIds: [eventId],
    method: 'POST',
    path: receiverPath('razorpay', ctx),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Razorpay-Webhook/v1',
      'x-razorpay-event-id': eventId,
      'x-razorpay-signature': signRazorpay(body, ctx.secrets.razorpayWebhookSecret),
    },
    body,
    occurredAt: ctx.now,
  };
}

export const razorpayWebhooks: ProviderWebhooks = {
  provider: 'razorpay',
  events: EVENTS,
  build: buildRazorpay,
  sequence: ['payment.failed', 'payment.captured', 'refund.processed'],
  retrySchedule: RETRY_SCHEDULES.razorpay,
};
