import Stripe from 'stripe';
import { ids } from '../support/ids';
import { unix } from './json';
import { RETRY_SCHEDULES } from './retry-schedules';
import { receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

const API_VERSION = '2025-03-31.basil';
const EVENTS = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'charge.refunded.partial',
  'refund.created',
  'refund.created.partial',
  'charge.dispute.created',
] as const;

function paymentIntent(ctx: BuildContext, succeeded: boolean): Record<string, unknown> {
  const { subject: s, now } = ctx;
  return {
    id: s.stripe.paymentIntent,
    object: 'payment_intent',
    amount: s.amount,
    amount_capturable: 0,
    amount_received: succeeded ? s.amount : 0,
    capture_method: 'automatic_async',
    client_secret: `${s.stripe.paymentIntent}_secret_${ids.alnum(ctx.rng, 25)}`,
    confirmation_method: 'automatic',
    created: unix(now) - 5,
    currency: s.currency,
    customer: s.stripe.customer,
    description: 'Switchyard sandbox order',
    last_payment_error: succeeded
      ? null
      : {
          charge: s.stripe.charge,
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          doc_url: 'https://stripe.com/docs/error-codes/card-declined',
          message: 'Your card has insufficient funds.',
          payment_method: { id: s.stripe.paymentMethod, object: 'payment_method', type: 'card' },
          type: 'card_error',
        },
    latest_charge: s.stripe.charge,
    livemode: false,
    // Checkout collects the phone for WhatsApp receipts; Stripe keeps it, the customer's name and
    // the shop's order id where the merchant puts them (a payment intent has no field for either).
    metadata: { email: s.email, phone: `+${s.phone}`, name: s.name, order_id: `order_${s.stripe.paymentIntent.slice(-10)}` },
    payment_method: succeeded ? s.stripe.paymentMethod : null,
    payment_method_types: ['card'],
    receipt_email: s.email,
    status: succeeded ? 'succeeded' : 'requires_payment_method',
  };
}

function charge(ctx: BuildContext, amountRefunded: number): Record<string, unknown> {
  const { subject: s, now } = ctx;
  return {
    id: s.stripe.charge,
    object: 'charge',
    amount: s.amount,
    amount_captured: s.amount,
    amount_refunded: amountRefunded,
    balance_transaction: `txn_${ids.alnum(ctx.rng, 24)}`,
    billing_details: { email: s.email, name: s.name, phone: `+${s.phone}` },
    captured: true,
    created: unix(now) - 60,
    currency: s.currency,
    customer: s.stripe.customer,
    disputed: false,
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: s.stripe.paymentIntent,
    payment_method: s.stripe.paymentMethod,
    refunded: amountRefunded >= s.amount,
    status: 'succeeded',
  };
}

/**
 * Since API 2022-11-15 a refunded charge no longer lists its refunds: the refund's own id and
 * amount come in refund.created, which Stripe sends alongside charge.refunded.
 */
function refund(ctx: BuildContext, amount: number): Record<string, unknown> {
  const { subject: s, now } = ctx;
  return {
    id: `re_${ids.stripe(ctx.rng, '').slice(1)}`,
    object: 'refund',
    amount,
    balance_transaction: `txn_${ids.alnum(ctx.rng, 24)}`,
    charge: s.stripe.charge,
    created: unix(now),
    currency: s.currency,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: {},
    payment_intent: s.stripe.paymentIntent,
    reason: 'requested_by_customer',
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

function dispute(ctx: BuildContext): Record<string, unknown> {
  const { subject: s, now } = ctx;
  return {
    id: `dp_1${ids.alnum(ctx.rng, 23)}`,
    object: 'dispute',
    amount: s.amount,
    balance_transactions: [],
    charge: s.stripe.charge,
    created: unix(now),
    currency: s.currency,
    evidence_details: { due_by: unix(now) + 7 * 86_400, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: s.stripe.paymentIntent,
    reason: 'fraudulent',
    status: 'needs_response',
  };
}

function dataFor(event: string, ctx: BuildContext): { type: string; data: Record<string, unknown> } {
  const partial = Math.floor(ctx.subject.amount / 2);
  switch (event) {
    case 'payment_intent.succeeded':
      return { type: event, data: { object: paymentIntent(ctx, true) } };
    case 'payment_intent.payment_failed':
      return { type: event, data: { object: paymentIntent(ctx, false) } };
    case 'charge.refunded':
      return {
        type: event,
        data: { object: charge(ctx, ctx.subject.amount), previous_attributes: { amount_refunded: 0, refunded: false } },
      };
    case 'charge.refunded.partial':
      return {
        type: 'charge.refunded',
        data: { object: charge(ctx, partial), previous_attributes: { amount_refunded: 0 } },
      };
    case 'refund.created':
      return { type: event, data: { object: refund(ctx, ctx.subject.amount) } };
    case 'refund.created.partial':
      return { type: 'refund.created', data: { object: refund(ctx, partial) } };
    case 'charge.dispute.created':
      return { type: event, data: { object: dispute(ctx) } };
    default:
      throw new UnknownEventError('stripe', event, EVENTS);
  }
}

/** Signs like Stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>`. */
export function signStripe(body: string, secret: string, signedAtMs: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: unix(signedAtMs) });
}

export function buildStripe(event: string, ctx: BuildContext): WebhookRequest {
  const { type, data } = dataFor(event, ctx);
  const id = `evt_${ids.stripe(ctx.rng, '').slice(1)}`;
  const body = JSON.stringify({
    id,
    object: 'event',
    api_version: API_VERSION,
    created: unix(ctx.now),
    data,
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${ids.alnum(ctx.rng, 14)}`, idempotency_key: ids.uuid(ctx.rng) },
    type,
  });
  return {
    provider: 'stripe',
    event: type,
    eventId: id,
    eventIds: [id],
    method: 'POST',
    path: receiverPath('stripe', ctx),
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': signStripe(body, ctx.secrets.stripeWebhookSecret, ctx.signedAt),
    },
    body,
    occurredAt: ctx.now,
  };
}

export const stripeWebhooks: ProviderWebhooks = {
  provider: 'stripe',
  events: EVENTS,
  build: buildStripe,
  sequence: ['payment_intent.payment_failed', 'payment_intent.succeeded', 'charge.refunded', 'refund.created'],
  retrySchedule: RETRY_SCHEDULES.stripe,
};
