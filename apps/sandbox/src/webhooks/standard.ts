import { Webhook } from 'standardwebhooks';
import { ids } from '../support/ids';
import { iso } from './json';
import { RETRY_SCHEDULES } from './retry-schedules';
import { receiverPath, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

/** Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(key, "id.ts.body")>`. */
export function signStandard(secret: string, msgId: string, at: Date, body: string): string {
  return new Webhook(secret).sign(msgId, at, body);
}

/** Any event type: payload follows the spec's recommended `{type, timestamp, data}` shape. */
export function buildStandard(event: string, ctx: BuildContext): WebhookRequest {
  const { subject: s } = ctx;
  const msgId = `msg_${ids.alnum(ctx.rng, 27)}`;
  const body = JSON.stringify({
    type: event,
    timestamp: iso(ctx.now),
    data: { id: `obj_${ids.alnum(ctx.rng, 16)}`, customer: { email: s.email, phone: `+${s.phone}`, name: s.name }, amount: s.amount, currency: s.currency },
  });
  const signedAt = new Date(ctx.signedAt);
  return {
    provider: 'standard',
    event,
    eventId: msgId,
    eventIds: [msgId],
    method: 'POST',
    path: receiverPath('standard', ctx),
    headers: {
      'content-type': 'application/json',
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': signStandard(ctx.secrets.standardWebhookSecret, msgId, signedAt, body),
    },
    body,
    occurredAt: ctx.now,
  };
}

export const standardWebhooks: ProviderWebhooks = {
  provider: 'standard',
  events: ['<any type>'],
  build: buildStandard,
  sequence: ['order.created', 'order.paid', 'order.fulfilled'],
  retrySchedule: RETRY_SCHEDULES.standard,
};
