import { sql, type Selectable } from 'kysely';
import { rowsToFirstAsker } from '../batch-answers';
import { createCoalescer } from '../coalescer';
import { compiledStatement } from '../compiled-statement';
import { isDatabaseUnavailable } from '../errors';
import type { Db } from '../database';
import { EventStatus } from '../generated/kysely/enums';
import type { InboundEvent } from '../generated/kysely/types';

export interface OutboxJob {
  queue: string;
  jobName: string;
  jobId: string;
  data: unknown;
}

/** What a delivery stores per event (the receiver's input, camelCase; the row type is the generated InboundEvent). */
export interface NewInboundEvent {
  id: string;
  provider: string;
  connection: string;
  providerEventId: string;
  type: string;
  canonicalType: string | null;
  queue: string | null;
  status: Extract<EventStatus, 'received' | 'ignored' | 'unmapped'>;
  payload: unknown;
  canonical: unknown;
  headers: Record<string, string>;
  occurredAt: Date | null;
  /** Why the event could not be mapped (stored as `last_error`); null for every other event. */
  lastError?: string | null;
  /** The W3C traceparent of the request that delivered it; null while tracing is off. */
  traceContext?: string | null;
  /** Written in the same statement as the event, only when the event is new. */
  outbox: OutboxJob | null;
  /** An attention item about this event, written with it only when the event is new. */
  attention?: NewEventAttention | null;
}

export interface NewEventAttention {
  id: string;
  kind: string;
  entityType: string;
  entityKey: string;
  summary: string;
}

type EventColumns = Selectable<InboundEvent>;

export interface RecordedEvent {
  id: EventColumns['id'];
  providerEventId: EventColumns['provider_event_id'];
  /** False when this delivery was a duplicate of a stored event (its `deliveries` went up instead). */
  inserted: boolean;
  deliveries: EventColumns['deliveries'];
  status: EventColumns['status'];
}

/**
 * Stores a delivery's events, their outbox entries and attention items atomically, in one statement
 * (so one round trip and one commit). A duplicate (same provider, connection, provider event id) only bumps
 * `deliveries`; concurrent duplicates serialize on the unique index and yield exactly one row. The same
 * event twice in one call (two deliveries grouped into one commit) is one row with both deliveries counted:
 * its first copy is answered as stored, the others as duplicates.
 * Answers one result per input event, in input order.
 * This statement is what a provider waits for: it runs on the pool as one named statement.
 */
export async function recordInboundEvents(db: Db, events: NewInboundEvent[]): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const keyOf = (e: { provider: string; connection: string; providerEventId: string }) => JSON.stringify([e.provider, e.connection, e.providerEventId]);
  // One input row per event; its copies in this call are counted as deliveries (ON CONFLICT may touch a row only once per statement).
  const keys = events.map(keyOf);
  const copies = new Map<string, number>();
  const unique: { e: NewInboundEvent; key: string }[] = [];
  events.forEach((e, i) => {
    const key = keys[i] as string;
    const n = copies.get(key);
    if (n === undefined) unique.push({ e, key });
    copies.set(key, (n ?? 0) + 1);
  });
  const input = unique.map(({ e, key }) => ({
    id: e.id,
    provider: e.provider,
    connection: e.connection,
    provider_event_id: e.providerEventId,
    copies: copies.get(key),
    type: e.type,
    canonical_type: e.canonicalType,
    queue: e.queue,
    status: e.status,
    payload: e.payload,
    canonical: e.canonical,
    headers: e.headers,
    occurred_at: e.occurredAt?.toISOString() ?? null,
    last_error: e.lastError ?? null,
    trace_context: e.traceContext ?? null,
    outbox_queue: e.outbox?.queue ?? null,
    outbox_job_name: e.outbox?.jobName ?? null,
    outbox_job_id: e.outbox?.jobId ?? null,
    outbox_data: e.outbox?.data ?? null,
    attention_id: e.attention?.id ?? null,
    attention_kind: e.attention?.kind ?? null,
    attention_entity_type: e.attention?.entityType ?? null,
    attention_entity_key: e.attention?.entityKey ?? null,
    attention_summary: e.attention?.summary ?? null,
  }));
  const { rows } = await insertInboundEvents(db, { input: JSON.stringify(input) });
  const byKey = new Map(rows.map((r) => [keyOf({ provider: r.provider, connection: r.connection, providerEventId: r.provider_event_id }), r]));
  const answered = new Set<string>();
  return events.map((e, i) => {
    const key = keys[i] as string;
    const r = byKey.get(key);
    if (!r) throw new Error(`recordInboundEvents: no row came back for event ${e.providerEventId}`);
    const first = !answered.has(key);
    answered.add(key);
    return { id: r.id, providerEventId: r.provider_event_id, inserted: first && r.inserted, deliveries: Number(r.deliveries), status: r.status };
  });
}

/**
 * recordInboundEvents for concurrent deliveries, group-committed: deliveries that arrive while earlier
 * statements run are stored together by one statement and one commit (see createCoalescer), and each
 * is answered once that commit holds its rows. A delivery whose rows make the statement fail (a poison
 * payload) is retried alone, so it fails only itself; the database being down fails each at once.
 */
export function createInboundEventRecorder(db: Db, options: { maxDeliveries: number; maxInFlight: number }): (events: NewInboundEvent[]) => Promise<RecordedEvent[]> {
  return createCoalescer<NewInboundEvent[], RecordedEvent[]>({
    maxBatch: options.maxDeliveries,
    maxInFlight: options.maxInFlight,
    failsWholeBatch: isDatabaseUnavailable,
    runBatch: async (deliveries) => {
      const results = await recordInboundEvents(db, deliveries.flat());
      let at = 0;
      return deliveries.map((d) => results.slice(at, (at += d.length)));
    },
  });
}

// What every webhook waits for: compiled once (see compiledStatement).
const insertInboundEvents = compiledStatement<{ input: string }>()((_, param) => sql<{ id: string; provider: string; connection: string; provider_event_id: string; inserted: boolean; deliveries: number; status: EventStatus }>`
WITH input AS (
  SELECT * FROM jsonb_to_recordset(${param('input')}::jsonb) AS x(
    id uuid, provider text, connection text, provider_event_id text, copies int, type text, canonical_type text,
    queue text, status text, payload jsonb, canonical jsonb, headers jsonb, occurred_at timestamptz, last_error text, trace_context text,
    outbox_queue text, outbox_job_name text, outbox_job_id text, outbox_data jsonb,
    attention_id uuid, attention_kind text, attention_entity_type text, attention_entity_key text, attention_summary text)
), ins AS (
  INSERT INTO inbound_events (id, provider, connection, provider_event_id, deliveries, type, canonical_type, queue, status, payload, canonical, headers, occurred_at, last_error, trace_context)
  SELECT id, provider, connection, provider_event_id, copies, type, canonical_type, queue, status::"EventStatus", payload, canonical, headers, occurred_at, last_error, trace_context FROM input
  -- One lock order for every writer of these rows (the relay uses it too): no deadlocks.
  ORDER BY provider COLLATE "C", connection COLLATE "C", provider_event_id COLLATE "C"
  ON CONFLICT (provider, connection, provider_event_id)
  DO UPDATE SET deliveries = inbound_events.deliveries + EXCLUDED.deliveries, last_delivered_at = now()
  RETURNING id, provider, connection, provider_event_id, (xmax = 0) AS inserted, deliveries, status::text AS status
), ob AS (
  INSERT INTO outbox_entries (event_id, queue, job_name, job_id, data)
  SELECT ins.id, input.outbox_queue, input.outbox_job_name, input.outbox_job_id, input.outbox_data
  FROM ins JOIN input ON input.id = ins.id
  WHERE ins.inserted AND input.outbox_queue IS NOT NULL
  RETURNING id
), att AS (
  INSERT INTO attention_items (id, kind, entity_type, entity_key, event_id, summary)
  SELECT input.attention_id, input.attention_kind, input.attention_entity_type, input.attention_entity_key, ins.id, input.attention_summary
  FROM ins JOIN input ON input.id = ins.id
  WHERE ins.inserted AND input.attention_id IS NOT NULL
  ON CONFLICT (kind, entity_type, entity_key) DO NOTHING
)
SELECT ins.id, ins.provider, ins.connection, ins.provider_event_id, ins.inserted, ins.deliveries, ins.status, (SELECT count(*) FROM ob)::int AS outboxed FROM ins`);

/** received → queued, once the job is in Redis. Never moves an event backwards. */
export async function markEventsQueued(db: Db, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  // A worker may already have picked the job up (it can run before this commits): keep its status.
  await sql`UPDATE inbound_events SET queued_at = coalesce(queued_at, now()),
       status = CASE WHEN status = 'received' THEN 'queued'::"EventStatus" ELSE status END
     WHERE id IN (SELECT id FROM inbound_events WHERE id = ANY(${eventIds}::uuid[]) AND (queued_at IS NULL OR status = 'received')
                  ORDER BY provider COLLATE "C", connection COLLATE "C", provider_event_id COLLATE "C" FOR UPDATE)`.execute(db);
}

const FINISHED: EventStatus[] = [EventStatus.processed, EventStatus.ignored, EventStatus.unmapped];
/** Statuses in which an event still owes work; the stale-work redriver re-drives those that stall. */
const UNFINISHED: EventStatus[] = [EventStatus.received, EventStatus.queued, EventStatus.processing, EventStatus.failed];

/**
 * Claims an event for processing. Returns null when it is already finished (processed, ignored or unmapped),
 * so a re-delivered job does nothing. A dead event is claimed: its job only runs again when a
 * person re-drove it (Bull Board retry or the ops API).
 */
export async function startProcessing(db: Db, eventId: string): Promise<ClaimedEvent | null> {
  const { rows } = await claimEvent(db, { eventId });
  return rows[0] ?? null;
}

export type ClaimedEvent = Pick<EventColumns, 'id' | 'canonical' | 'status' | 'attempts'>;

/**
 * startProcessing for several events in one statement, one answer per id asked, in order. An id
 * asked twice in one call is claimed for its first copy only (the other gets null, as for a
 * finished event), so two jobs of one event never both run it from one batch. The events are
 * locked in the order ingest and the relay lock them, so the three never deadlock.
 */
export async function startProcessingMany(db: Db, eventIds: string[]): Promise<(ClaimedEvent | null)[]> {
  const { rows } = await claimEvents(db, { eventIds });
  return rowsToFirstAsker(eventIds, rows, (r) => r.id);
}

/**
 * The workers' event claims, group-committed like the effect ledger (createEffectLedger): the
 * process-event jobs in flight at once claim their events with one statement; a claim that leaves
 * alone takes startProcessing's one-row statement.
 */
export function createEventClaimer(db: Db, options: { maxBatch?: number; maxInFlight?: number } = {}): (eventId: string) => Promise<ClaimedEvent | null> {
  return createCoalescer<string, ClaimedEvent | null>({
    maxBatch: options.maxBatch ?? 64,
    maxInFlight: options.maxInFlight ?? 1,
    failsWholeBatch: isDatabaseUnavailable,
    runOne: (id) => startProcessing(db, id),
    runBatch: (ids) => startProcessingMany(db, ids),
  });
}

// The status is read from the locked row, not a WHERE condition on inbound_events, so the planner
// fetches the few rows by id instead of walking the status index (see effect-ledger.ts).
const claimEvents = compiledStatement<{ eventIds: string[] }>()(
  (_, param) => sql<ClaimedEvent>`WITH locked AS (
       SELECT id, status NOT IN (${sql.join(FINISHED.map((f) => sql.lit(f)))}) AS open FROM inbound_events WHERE id = ANY(${param('eventIds')}::uuid[])
       ORDER BY provider COLLATE "C", connection COLLATE "C", provider_event_id COLLATE "C" FOR UPDATE
     )
     UPDATE inbound_events SET status = 'processing', attempts = attempts + 1
     FROM locked WHERE inbound_events.id = locked.id AND locked.open
     RETURNING inbound_events.id, inbound_events.canonical, inbound_events.status, inbound_events.attempts`,
);

export async function markEventProcessed(db: Db, eventId: string): Promise<void> {
  await updateEventProcessed(db, { eventId });
}

// Every job of an event takes these: compiled once (see compiledStatement).
const claimEvent = compiledStatement<{ eventId: string }>()((db, param) =>
  db
    .updateTable('inbound_events')
    .set({ status: 'processing', attempts: (eb) => eb('attempts', '+', 1) })
    .where('id', '=', param('eventId'))
    .where('status', 'not in', FINISHED)
    .returning(['id', 'canonical', 'status', 'attempts']),
);
const updateEventProcessed = compiledStatement<{ eventId: string }>()((db, param) =>
  db.updateTable('inbound_events').set({ status: 'processed', processed_at: sql`now()`, last_error: null }).where('id', '=', param('eventId')).where('status', '<>', 'processed'),
);

/**
 * markEventProcessed, also tagging the event with the entity it is about (tagEventEntity): one
 * statement for handlers that finish the event inside their own transaction. Idempotent: an
 * event already processed keeps its first processed_at.
 */
export async function markEventProcessedFor(db: Db, input: { eventId: string; entityType: string; entityKey: string }): Promise<void> {
  await sql`UPDATE inbound_events SET entity_type = ${input.entityType}, entity_key = ${input.entityKey},
       status = 'processed', processed_at = CASE WHEN status = 'processed' THEN processed_at ELSE now() END,
       last_error = CASE WHEN status = 'processed' THEN last_error ELSE NULL END
     WHERE id = ${input.eventId}::uuid`.execute(db);
}

export async function markEventFailed(db: Db, input: { eventId: string; error: string; dead: boolean }): Promise<void> {
  await db
    .updateTable('inbound_events')
    .set({ status: input.dead ? 'dead' : 'failed', last_error: input.error.slice(0, 2000) })
    .where('id', '=', input.eventId)
    .where('status', 'not in', FINISHED)
    .execute();
}

/**
 * Events that still owe work and have not moved for `olderThanMs`: their job may have been lost
 * (Redis restarted without persistence, FLUSHALL). Marks them re-driven so one tick takes each once.
 */
export async function claimStaleEvents(db: Db, input: { olderThanMs: number; limit: number }): Promise<string[]> {
  const { rows } = await sql<Pick<EventColumns, 'id'>>`UPDATE inbound_events SET redriven_at = now()
     WHERE id IN (
       SELECT id FROM inbound_events
       WHERE status = ANY(${UNFINISHED}::"EventStatus"[])
         AND greatest(received_at, last_delivered_at, coalesce(queued_at, received_at), coalesce(redriven_at, received_at)) < now() - (${input.olderThanMs}::int * interval '1 millisecond')
       ORDER BY received_at LIMIT ${input.limit} FOR UPDATE SKIP LOCKED)
     RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}
