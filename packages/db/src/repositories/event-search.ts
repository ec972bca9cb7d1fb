import type { SelectExpression, Selection } from 'kysely';
import type { Db } from '../database';
import { EventStatus } from '../generated/kysely/enums';
import type { DB } from '../generated/kysely/types';
import { eventViewColumns } from './event-columns';

/** Event statuses, for validating an operator's filter. */
export const opsEventStatuses = Object.values(EventStatus);

export interface EventFilter {
  provider?: string;
  type?: string;
  status?: EventStatus;
  providerEventId?: string;
  from?: Date;
  to?: Date;
}

const listColumns = [...eventViewColumns, 'connection', 'provider_event_id as providerEventId', 'deliveries', 'attempts'] as const satisfies readonly SelectExpression<DB, 'inbound_events'>[];

const detailColumns = [
  ...listColumns,
  'queue',
  'entity_type as entityType',
  'entity_key as entityKey',
  'last_delivered_at as lastDeliveredAt',
  'queued_at as queuedAt',
  'redriven_at as redrivenAt',
  'payload',
  'canonical',
  'headers',
  // Set when retention or an erasure removed payload and headers, so a null payload explains itself.
  'payload_dropped_at as payloadDroppedAt',
] as const satisfies readonly SelectExpression<DB, 'inbound_events'>[];

const eventEffectColumns = ['id', 'kind', 'status', 'attempts', 'last_error as lastError', 'created_at as createdAt', 'done_at as doneAt'] as const satisfies readonly SelectExpression<DB, 'effects'>[];

export type EventListItem = Selection<DB, 'inbound_events', (typeof listColumns)[number]>;
export type EventDetail = Selection<DB, 'inbound_events', (typeof detailColumns)[number]> & { effects: Selection<DB, 'effects', (typeof eventEffectColumns)[number]>[] };

/** Cursor = the last item's (receivedAt, id), newest first, so pages stay stable while events arrive. */
export async function searchEvents(db: Db, page: { filter: EventFilter; cursor: { receivedAt: Date; id: string } | null; limit: number }): Promise<EventListItem[]> {
  const { filter, cursor } = page;
  let query = db.selectFrom('inbound_events').select(listColumns);
  if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.providerEventId !== undefined) query = query.where('provider_event_id', '=', filter.providerEventId);
  if (filter.from) query = query.where('received_at', '>=', filter.from);
  if (filter.to) query = query.where('received_at', '<', filter.to);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('received_at', '<', cursor.receivedAt), eb.and([eb('received_at', '=', cursor.receivedAt), eb('id', '<', cursor.id)])]));
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/**
 * One stored event with what an operator needs to debug it (the list never carries payloads), and
 * the effects it caused; null when there is no such event.
 */
export async function findEventDetail(db: Db, id: string): Promise<EventDetail | null> {
  const [event, effects] = await Promise.all([
    db.selectFrom('inbound_events').select(detailColumns).where('id', '=', id).executeTakeFirst(),
    db.selectFrom('effects').select(eventEffectColumns).where('event_id', '=', id).orderBy('created_at', 'asc').orderBy('id', 'asc').execute(),
  ]);
  return event ? { ...event, effects } : null;
}
