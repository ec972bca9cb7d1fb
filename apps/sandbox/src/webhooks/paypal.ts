import { createSign } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ids } from '../support/ids';
import { decimal, iso } from './json';
import { RETRY_SCHEDULES } from './retry-schedules';
import { receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

const EVENTS = ['PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.DECLINED', 'PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.REVERSED', 'CUSTOMER.DISPUTE.CREATED'] as const;
const API = 'https://api.sandbox.paypal.com';

function money(ctx: BuildContext, minor = ctx.subject.amount) {
  return { currency_code: ctx.subject.currency.toUpperCase(), value: decimal(minor) };
}

function capture(ctx: BuildContext, status: 'COMPLETED' | 'DECLINED'): Record<string, unknown> {
  const { subject: s, now } = ctx;
  const fee = Math.round(s.amount * 0.0349) + 49;
  return {
    id: s.paypal.capture,
    amount: money(ctx),
    final_capture: true,
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
    seller_receivable_breakdown:
      status === 'COMPLETED'
        ? { gross_amount: money(ctx), paypal_fee: money(ctx, fee), net_amount: money(ctx, s.amount - fee) }
        : undefined,
    status,
    supplementary_data: { related_ids: { order_id: s.paypal.order } },
    create_time: iso(now),
    update_time: iso(now),
    links: [
      { href: `${API}/v2/payments/captures/${s.paypal.capture}`, rel: 'self', method: 'GET' },
      { href: `${API}/v2/payments/captures/${s.paypal.capture}/refund`, rel: 'refund', method: 'POST' },
      { href: `${API}/v2/checkout/orders/${s.paypal.order}`, rel: 'up', method: 'GET' },
    ],
  };
}

function resourceFor(event: string, ctx: BuildContext): { resourceType: string; summary: string; resource: Record<string, unknown> } {
  const { subject: s, now, rng } = ctx;
  const shown = `$ ${decimal(s.amount)} ${s.currency.toUpperCase()}`;
  switch (event) {
    case 'PAYMENT.CAPTURE.COMPLETED':
      return { resourceType: 'capture', summary: `Payment completed for ${shown}`, resource: capture(ctx, 'COMPLETED') };
    case 'PAYMENT.CAPTURE.DECLINED':
      return { resourceType: 'capture', summary: `A ${shown} capture payment was declined`, resource: capture(ctx, 'DECLINED') };
    case 'PAYMENT.CAPTURE.DENIED':
      return { resourceType: 'capture', summary: `Payment denied for ${shown}`, resource: capture(ctx, 'DECLINED') };
    // A reversal comes as a refund resource of the capture, like a refund.
    case 'PAYMENT.CAPTURE.REVERSED':
    case 'PAYMENT.CAPTURE.REFUNDED': {
      const refundId = ids.paypalResource(rng);
      return {
        resourceType: 'refund',
        summary: `A ${shown} capture payment was ${event === 'PAYMENT.CAPTURE.REVERSED' ? 'reversed' : 'refunded'}`,
        resource: {
          id: refundId,
          amount: money(ctx),
          seller_payable_breakdown: { gross_amount: money(ctx), paypal_fee: money(ctx, 0), net_amount: money(ctx), total_refunded_amount: money(ctx) },
          status: 'COMPLETED',
          create_time: iso(now),
          update_time: iso(now),
          links: [
            { href: `${API}/v2/payments/refunds/${refundId}`, rel: 'self', method: 'GET' },
            { href: `${API}/v2/payments/captures/${s.paypal.capture}`, rel: 'up', method: 'GET' },
          ],
        },
      };
    }
    case 'CUSTOMER.DISPUTE.CREATED': {
      const disputeId = `PP-D-${ids.digits(rng, 5)}`;
      return {
        resourceType: 'dispute',
        summary: `A new dispute opened with Case # ${disputeId}`,
        resource: {
          dispute_id: disputeId,
          create_time: iso(now),
          update_time: iso(now),
          disputed_transactions: [
            {
              seller_transaction_id: s.paypal.capture,
              create_time: iso(now - 86_400_000),
              transaction_status: 'COMPLETED',
              gross_amount: money(ctx),
              buyer: { name: s.name },
              seller: { email: 'merchant@example.com', merchant_id: ids.paypalResource(rng).slice(0, 13), name: 'Switchyard Store' },
            },
          ],
          reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
          status: 'OPEN',
          dispute_amount: money(ctx),
          dispute_life_cycle_stage: 'INQUIRY',
          dispute_channel: 'INTERNAL',
          links: [{ href: `${API}/v1/customer/disputes/${disputeId}`, rel: 'self', method: 'GET' }],
        },
      };
    }
    default:
      throw new UnknownEventError('paypal', event, EVENTS);
  }
}

/** The string PayPal signs: `transmissionId|transmissionTime|webhookId|crc32(body)` (crc32 unsigned decimal). */
export function paypalSignedString(transmissionId: string, transmissionTime: string, webhookId: string, body: string): string {
  return `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(body) >>> 0}`;
}

export function signPaypal(signedString: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(signedString).sign(privateKeyPem, 'base64');
}

export function buildPaypal(event: string, ctx: BuildContext): WebhookRequest {
  const { resourceType, summary, resource } = resourceFor(event, ctx);
  const id = ids.paypalEvent(ctx.rng);
  const body = JSON.stringify({
    id,
    event_version: '1.0',
    create_time: iso(ctx.now),
    resource_type: resourceType,
    resource_version: '2.0',
    event_type: event,
    summary,
    resource,
    links: [
      { href: `${API}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
      { href: `${API}/v1/notifications/webhooks-events/${id}/resend`, rel: 'resend', method: 'POST' },
    ],
  });
  const transmissionId = ids.uuid(ctx.rng);
  const transmissionTime = iso(ctx.signedAt);
  const key = ctx.paypalKey();
  const signature = signPaypal(paypalSignedString(transmissionId, transmissionTime, ctx.secrets.paypalWebhookId, body), key.privateKeyPem);
  return {
    provider: 'paypal',
    event,
    eventId: id,
    eventIds: [id],
    method: 'POST',
    path: receiverPath('paypal', ctx),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'PayPal/AUHD-214.0-58843086',
      'paypal-transmission-id': transmissionId,
      'paypal-transmission-time': transmissionTime,
      'paypal-transmission-sig': signature,
      'paypal-cert-url': key.certUrl,
      'paypal-auth-algo': 'SHA256withRSA',
    },
    body,
    occurredAt: ctx.now,
  };
}

export const paypalWebhooks: ProviderWebhooks = {
  provider: 'paypal',
  events: EVENTS,
  build: buildPaypal,
  sequence: ['PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.REFUNDED'],
  retrySchedule: RETRY_SCHEDULES.paypal,
};
