import { createHash, createHmac } from 'node:crypto';
import { ids } from '../support/ids';
import { RETRY_SCHEDULES } from './retry-schedules';
import { joinUrl, receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

const EVENTS = ['contact.creation', 'contact.propertyChange', 'deal.propertyChange'] as const;
const LIFECYCLE = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer'];
const DEAL_STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon'];

/** A later event in a batch moves the same record one stage further, so order matters. */
function stageAt(stages: readonly string[], index: number): string {
  return stages[Math.min(index + 1, stages.length - 1)] ?? 'closedwon';
}

function eventAt(event: string, ctx: BuildContext, index: number, occurredAt: number): Record<string, unknown> {
  const { subject: s, rng } = ctx;
  const base = {
    eventId: Number(ids.digits(rng, 10)),
    subscriptionId: 2_912_345,
    portalId: s.hubspot.portalId,
    appId: 3_456_789,
    occurredAt,
    subscriptionType: event,
    attemptNumber: 0,
    changeSource: 'CRM',
    sourceId: `userId:${ids.digits(rng, 8)}`,
  };
  switch (event) {
    case 'contact.creation':
      return { ...base, objectId: index === 0 ? s.hubspot.contactId : Number(ids.digits(rng, 11)), changeFlag: 'CREATED' };
    case 'contact.propertyChange':
      return { ...base, objectId: s.hubspot.contactId, propertyName: 'lifecyclestage', propertyValue: stageAt(LIFECYCLE, index) };
    case 'deal.propertyChange':
      return { ...base, objectId: s.hubspot.dealId, propertyName: 'dealstage', propertyValue: stageAt(DEAL_STAGES, index) };
    default:
      throw new UnknownEventError('hubspot', event, EVENTS);
  }
}

/** v3: base64 HMAC-SHA256(client secret, method + uri + body + timestamp). */
export function signHubspotV3(secret: string, method: string, uri: string, body: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestampMs}`).digest('base64');
}

/** Builds one request carrying `batchSize` events, oldest first, as HubSpot batches them. */
export function buildHubspot(event: string, ctx: BuildContext): WebhookRequest {
  const size = Math.max(1, Math.min(ctx.batchSize, 100));
  const events = Array.from({ length: size }, (_, i) => eventAt(event, ctx, i, ctx.now - (size - 1 - i) * 1000));
  const body = JSON.stringify(events);
  const path = receiverPath('hubspot', ctx);
  const eventIds = events.map((e) => String(e.eventId));
  return {
    provider: 'hubspot',
    event,
    eventId: eventIds[0] ?? '',
    eventIds,
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
      'x-hubspot-signature-v3': signHubspotV3(ctx.secrets.hubspotClientSecret, 'POST', joinUrl(ctx.to, path), body, ctx.signedAt),
      'x-hubspot-request-timestamp': String(ctx.signedAt),
      'x-hubspot-signature': createHash('sha256').update(ctx.secrets.hubspotClientSecret + body).digest('hex'),
      'x-hubspot-signature-version': 'v1',
    },
    body,
    occurredAt: ctx.now,
  };
}

export const hubspotWebhooks: ProviderWebhooks = {
  provider: 'hubspot',
  events: EVENTS,
  build: buildHubspot,
  sequence: ['contact.creation', 'contact.propertyChange', 'deal.propertyChange'],
  retrySchedule: RETRY_SCHEDULES.hubspot,
};
