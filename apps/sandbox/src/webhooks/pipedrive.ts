import { ids } from '../support/ids';
import { iso } from './json';
import { RETRY_SCHEDULES } from './retry-schedules';
import { receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

/** CLI names follow the v1 event names; the v2 payload's meta.action says create/change. */
const EVENTS = ['added.person', 'updated.deal', 'added.deal'] as const;
const V2_ACTION: Record<string, string> = { added: 'create', updated: 'change', deleted: 'delete' };

function person(ctx: BuildContext): Record<string, unknown> {
  const { subject: s, now } = ctx;
  const [first = s.name, last = ''] = s.name.split(' ');
  return {
    id: s.pipedrive.personId,
    name: s.name,
    first_name: first,
    last_name: last,
    add_time: iso(now),
    update_time: iso(now),
    emails: [{ value: s.email, primary: true, label: 'work' }],
    phones: [{ value: `+${s.phone}`, primary: true, label: 'mobile' }],
    owner_id: s.pipedrive.userId,
    org_id: null,
    visible_to: 3,
    label_ids: [],
    is_deleted: false,
  };
}

function deal(ctx: BuildContext, stageId: number): Record<string, unknown> {
  const { subject: s, now } = ctx;
  return {
    id: s.pipedrive.dealId,
    title: `${s.name} deal`,
    value: s.amount / 100,
    currency: s.currency.toUpperCase(),
    status: stageId >= 5 ? 'won' : 'open',
    pipeline_id: 1,
    stage_id: stageId,
    person_id: s.pipedrive.personId,
    org_id: null,
    owner_id: s.pipedrive.userId,
    add_time: iso(now - 86_400_000),
    update_time: iso(now),
    stage_change_time: iso(now),
    probability: null,
    visible_to: 3,
    is_deleted: false,
  };
}

/** Pipedrive v2: no signature, HTTP Basic credentials chosen when the webhook was created. */
export function pipedriveAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function buildPipedrive(event: string, ctx: BuildContext): WebhookRequest {
  const [verb = '', entity = ''] = event.split('.');
  if (!(EVENTS as readonly string[]).includes(event)) throw new UnknownEventError('pipedrive', event, EVENTS);
  const stageId = 2 + Math.floor(ctx.rng() * 3);
  const data = entity === 'person' ? person(ctx) : deal(ctx, verb === 'added' ? 1 : stageId);
  const previous = verb === 'updated' ? { stage_id: stageId - 1 } : null;
  const metaId = ids.uuid(ctx.rng);
  const body = JSON.stringify({
    data,
    previous,
    meta: {
      action: V2_ACTION[verb],
      entity,
      entity_id: String(data.id),
      attempt: 1,
      webhook_id: String(Number(ids.digits(ctx.rng, 6))),
      timestamp: iso(ctx.now),
      change_source: 'app',
      version: '2.0',
      id: metaId,
      company_id: String(ctx.subject.pipedrive.companyId),
      user_id: String(ctx.subject.pipedrive.userId),
      correlation_id: ids.uuid(ctx.rng),
      host: 'switchyard-sandbox.pipedrive.com',
      is_bulk_edit: false,
      type: 'general',
    },
  });
  return {
    provider: 'pipedrive',
    event,
    eventId: metaId,
    eventIds: [metaId],
    method: 'POST',
    path: receiverPath('pipedrive', ctx),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Pipedrive Webhooks',
      authorization: pipedriveAuthorization(ctx.secrets.pipedriveUser, ctx.secrets.pipedrivePassword),
    },
    body,
    occurredAt: ctx.now,
  };
}

export const pipedriveWebhooks: ProviderWebhooks = {
  provider: 'pipedrive',
  events: EVENTS,
  build: buildPipedrive,
  sequence: ['added.person', 'added.deal', 'updated.deal'],
  retrySchedule: RETRY_SCHEDULES.pipedrive,
};
