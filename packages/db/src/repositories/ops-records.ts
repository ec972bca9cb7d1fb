import { currentTraceparent } from '@switchyard/telemetry';
import { sql, type Selectable, type SelectExpression, type Selection, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../database';
import { EffectStatus } from '../generated/kysely/enums';
import type { AuditEntry, DB } from '../generated/kysely/types';
import { eventViewColumns } from './event-columns';

/**
 * What the ops console reads and changes: dead-letter re-drives, attention items, parked effects,
 * entity timelines and the audit trail. Every state change here is conditional on the state the
 * operator saw, so two people clicking at once change a row once.
 */

/** Effect ledger statuses, for validating an operator's filter. */
export const opsEffectStatuses = Object.values(EffectStatus);
export type OpsEffectStatus = EffectStatus;

// Each list names the columns the console shows, under the names its API has always used.
const eventSummaryColumns = ['id', 'provider', 'type', 'status'] as const satisfies readonly SelectExpression<DB, 'inbound_events'>[];
const effectSummaryColumns = ['id', 'kind', 'status', 'queue'] as const satisfies readonly SelectExpression<DB, 'effects'>[];
const attentionColumns = [
  'id',
  'kind',
  'entity_type as entityType',
  'entity_key as entityKey',
  'summary',
  'created_at as createdAt',
  'resolved_at as resolvedAt',
  'resolved_by as resolvedBy',
  'resolution',
  'assignee',
  'assigned_at as assignedAt',
] as const satisfies readonly SelectExpression<DB, 'attention_items'>[];
const effectColumns = [
  'id',
  'kind',
  'business_key as businessKey',
  'status',
  'queue',
  'provider',
  'connection',
  'event_id as eventId',
  'entity_type as entityType',
  'entity_key as entityKey',
  'request',
  'provider_ref as providerRef',
  'attempts',
  'last_error as lastError',
  'created_at as createdAt',
  'updated_at as updatedAt',
  'sent_at as sentAt',
  'done_at as doneAt',
] as const satisfies readonly SelectExpression<DB, 'effects'>[];
const storyEventColumns = [...eventViewColumns, 'queue'] as const satisfies readonly SelectExpression<DB, 'inbound_events'>[];
const storyMessageColumns = [
  'id',
  'channel',
  'status',
  'error_code as errorCode',
  'error_message as errorMessage',
  'effect_id as effectId',
  'last_occurred_at as lastOccurredAt',
  'updated_at as updatedAt',
] as const satisfies readonly SelectExpression<DB, 'messages'>[];

export type EventSummary = Selection<DB, 'inbound_events', (typeof eventSummaryColumns)[number]>;
export type EffectSummary = Selection<DB, 'effects', (typeof effectSummaryColumns)[number]>;
export type EffectListItem = Selection<DB, 'effects', (typeof effectColumns)[number]>;
export type AttentionItemView = Selection<DB, 'attention_items', (typeof attentionColumns)[number]>;
export type AttentionWithEvent = AttentionItemView & { event: (EventSummary & { receivedAt: Date }) | null };

export async function eventSummaries(db: Db, ids: string[]): Promise<Map<string, EventSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('inbound_events').select(eventSummaryColumns).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function effectSummaries(db: Db, ids: string[]): Promise<Map<string, EffectSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('effects').select(effectSummaryColumns).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** dead → queued for a re-drive; false when the event is not dead (already re-driven, processed…). */
export async function requeueDeadEvent(db: Db, eventId: string): Promise<boolean> {
  const { numUpdatedRows } = await db
    .updateTable('inbound_events')
    .set({ status: 'queued', last_error: null, queued_at: sql<Date>`now()` })
    .where('id', '=', eventId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return numUpdatedRows > 0n;
}

/** failed → pending for a re-drive; false when the effect is not failed. */
export async function requeueFailedEffect(db: Db, effectId: string): Promise<boolean> {
  const { numUpdatedRows } = await db
    .updateTable('effects')
    .set({ status: 'pending', last_error: null, updated_at: new Date() })
    .where('id', '=', effectId)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return numUpdatedRows > 0n;
}

/**
 * The outbox entry that re-sends a parked effect a person chose to resend: written in the
 * transaction that records the decision, dispatched right after the commit (or by a relay).
 * Returns the entry's id.
 */
export async function addEffectResendToOutbox(db: Db, job: { effectId: string; eventId: string | null; queue: string; jobName: string; jobId: string }): Promise<string> {
  const row = await db
    .insertInto('outbox_entries')
    // The person's request (ops console) is the trace the resent effect's job continues.
    .values({ event_id: job.eventId, queue: job.queue, job_name: job.jobName, job_id: job.jobId, data: JSON.stringify({ effectId: job.effectId, traceparent: currentTraceparent() ?? undefined }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  target: string;
  reason?: string | null;
  /** A JSON object: what was done, never the personal data it was done to. */
  details?: Record<string, unknown>;
}

/** An audit entry as stored; its id (int8) is an opaque string to clients. */
export type AuditRecord = Selectable<AuditEntry>;

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<AuditRecord> {
  return db
    .insertInto('audit_entries')
    .values({ actor: entry.actor, action: entry.action, target: entry.target, reason: entry.reason ?? null, details: JSON.stringify(entry.details ?? {}) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAuditEntries(db: Db, opts: { limit: number; before?: string; action?: string; target?: string }): Promise<AuditRecord[]> {
  let query = db.selectFrom('audit_entries').selectAll();
  if (opts.before !== undefined) query = query.where('id', '<', opts.before);
  if (opts.action !== undefined) query = query.where('action', '=', opts.action);
  if (opts.target !== undefined) query = query.where('target', '=', opts.target);
  return query.orderBy('id', 'desc').limit(opts.limit).execute();
}

/** Whether `action` was audited on `target` at or after `since` (a dead letter re-driven since a bulk re-drive started). */
export async function auditedSince(db: Db, match: { action: string; target: string; since: Date }): Promise<boolean> {
  const row = await db
    .selectFrom('audit_entries')
    .select('id')
    .where('action', '=', match.action)
    .where('target', '=', match.target)
    .where('at', '>=', match.since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** How many audit entries of `action` carry `details[key] = value` (e.g. earlier re-drives of one job). */
export async function countAuditEntries(db: Db, match: { action: string; key: string; value: string }): Promise<number> {
  const row = await db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('action', '=', match.action)
    .where(sql<boolean>`details -> ${match.key}::text = to_jsonb(${match.value}::text)`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function withEvents(db: Db, rows: (AttentionItemView & { eventId: string | null })[]): Promise<AttentionWithEvent[]> {
  const ids = [...new Set(rows.map((r) => r.eventId).filter((id): id is string => !!id))];
  const events = ids.length
    ? new Map((await db.selectFrom('inbound_events').select([...eventSummaryColumns, 'received_at as receivedAt']).where('id', 'in', ids).execute()).map((e) => [e.id, e]))
    : new Map<string, EventSummary & { receivedAt: Date }>();
  return rows.map(({ eventId, ...r }) => ({ ...r, event: (eventId && events.get(eventId)) || null }));
}

export interface AttentionFilter {
  limit: number;
  /** Only the items handed to this person. */
  assignee?: string;
  kind?: string;
}

/** Unresolved items, newest first, each with a summary of the event that raised it. */
export async function listOpenAttention(db: Db, filter: AttentionFilter): Promise<AttentionWithEvent[]> {
  let query = db
    .selectFrom('attention_items')
    .select([...attentionColumns, 'event_id as eventId'])
    .where('resolved_at', 'is', null);
  if (filter.assignee !== undefined) query = query.where('assignee', '=', filter.assignee);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return withEvents(db, rows);
}

/** One item, resolved or not, with its event's summary; null for an unknown id. */
export async function findAttentionItem(db: Db, id: string): Promise<AttentionWithEvent | null> {
  const row = await db.selectFrom('attention_items').select([...attentionColumns, 'event_id as eventId']).where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const [withEvent] = await withEvents(db, [row]);
  return withEvent ?? null;
}

/** "resolved by bob at …": what a person is told when the item they act on was resolved meanwhile. */
export function resolvedNote(row: AttentionItemView): string {
  return `resolved by ${row.resolvedBy ?? 'unknown'} at ${row.resolvedAt?.toISOString() ?? '?'}`;
}

export type ResolveOutcome<T> = { ok: true; row: T } | { ok: false; reason: 'not_found' | 'conflict'; current?: string };

/** Sets resolved_at/by/resolution once; a second resolve is a conflict, never an overwrite. */
export async function resolveAttention(db: Db, decision: { id: string; by: string; resolution: string }): Promise<ResolveOutcome<AttentionWithEvent>> {
  const { numUpdatedRows } = await db
    .updateTable('attention_items')
    .set({ resolved_at: new Date(), resolved_by: decision.by, resolution: decision.resolution })
    .where('id', '=', decision.id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  const row = await findAttentionItem(db, decision.id);
  if (!row) return { ok: false, reason: 'not_found' };
  if (numUpdatedRows === 0n) return { ok: false, reason: 'conflict', current: resolvedNote(row) };
  return { ok: true, row };
}

/** Effects in one status, the longest-waiting first (the order a person should work through them). */
export async function listEffectsByStatus(db: Db, filter: { status: EffectStatus; limit: number }): Promise<EffectListItem[]> {
  return db.selectFrom('effects').select(effectColumns).where('status', '=', filter.status).orderBy('updated_at', 'asc').orderBy('id', 'asc').limit(filter.limit).execute();
}

/**
 * A person's decision on a parked effect (outcome unknown): `sent` → done (they confirmed it
 * happened), `resend` → pending (the caller enqueues it again). Only from parked.
 */
export async function resolveParkedEffect(db: Db, decision: { id: string; outcome: 'sent' | 'resend' }): Promise<ResolveOutcome<EffectListItem>> {
  const now = new Date();
  const { numUpdatedRows } = await db
    .updateTable('effects')
    .set(decision.outcome === 'sent' ? { status: 'done', done_at: now, last_error: null, updated_at: now } : { status: 'pending', last_error: null, updated_at: now })
    .where('id', '=', decision.id)
    .where('status', '=', 'parked')
    .executeTakeFirst();
  const row = await db.selectFrom('effects').select(effectColumns).where('id', '=', decision.id).executeTakeFirst();
  if (!row) return { ok: false, reason: 'not_found' };
  if (numUpdatedRows === 0n) return { ok: false, reason: 'conflict', current: row.status };
  return { ok: true, row };
}

export interface EntityStory {
  events: Selection<DB, 'inbound_events', (typeof storyEventColumns)[number]>[];
  effects: EffectListItem[];
  attention: AttentionItemView[];
  /**
   * The messages these effects sent, as they stand now: a send the provider accepted can still
   * fail later (a 131026 status webhook), and only the message row knows.
   */
  messages: Selection<DB, 'messages', (typeof storyMessageColumns)[number]>[];
}

/** The tables an entity's story reads: each is tagged with entity_type and entity_key. */
type StoryTable = 'inbound_events' | 'effects' | 'attention_items';
/**
 * A column all story tables have (keyof a union is the keys its members share), so the names are
 * still checked; referenced raw because Kysely cannot type a comparison on a table left generic.
 */
const storyColumn = (column: keyof DB[StoryTable] & string) => sql.ref<string>(column);

/** The first `limit` rows of a story table about one entity, oldest first (by `since`, then id). */
function aboutEntity<TB extends StoryTable, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  entity: { type: string; key: string; limit: number },
  since: keyof DB[TB] & ('received_at' | 'created_at'),
): SelectQueryBuilder<DB, TB, O> {
  return query
    .where(storyColumn('entity_type'), '=', entity.type)
    .where(storyColumn('entity_key'), '=', entity.key)
    .orderBy(sql.ref(since), 'asc')
    .orderBy(storyColumn('id'), 'asc')
    .limit(entity.limit);
}

/** Everything stored about one business entity, each kind in time order. */
export async function entityStory(db: Db, entity: { type: string; key: string; limit: number }): Promise<EntityStory> {
  const [events, effects, attention] = await Promise.all([
    aboutEntity(db.selectFrom('inbound_events').select(storyEventColumns), entity, 'received_at').execute(),
    aboutEntity(db.selectFrom('effects').select(effectColumns), entity, 'created_at').execute(),
    aboutEntity(db.selectFrom('attention_items').select(attentionColumns), entity, 'created_at').execute(),
  ]);
  const sent = effects.filter((e) => e.providerRef).map((e) => e.id);
  const messages = sent.length
    ? await db.selectFrom('messages').select(storyMessageColumns).where('effect_id', 'in', sent).orderBy('updated_at', 'asc').orderBy('id', 'asc').execute()
    : [];
  return { events, effects, attention, messages };
}
