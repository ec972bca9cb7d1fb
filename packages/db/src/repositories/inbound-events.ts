import { unfinishedStatuses, type EventStatus } from '@switchyard/domain';
import type { Pool } from 'pg';
import type { Sql } from '../transaction';

export interface OutboxJob {
  queue: string;
  jobName: string;
  jobId: string;
  data: unknown;
}

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

export interface RecordedEvent {
  id: string;
  providerEventId: string;
  /** False when this delivery was a duplicate of a stored event (its `deliveries` went up instead). */
  inserted: boolean;
  deliveries: number;
  status: EventStatus;
}

/**
 * Stores a delivery's events, their outbox entries and attention items atomically, in one statement
 * (so one round trip and one commit). A duplicate (same provider, connection, provider event id) only bumps
 * `deliveries`; concurrent duplicates serialize on the unique index and yield exactly one row.
 */
const RECORD_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    id uuid, provider text, connection text, provider_event_id text, type text, canonical_type text,
    queue text, status text, payload jsonb, canonical jsonb, headers jsonb, occurred_at timestamptz, last_error text,
    outbox_queue text, outbox_job_name text, outbox_job_id text, outbox_data jsonb,
    attention_id uuid, attention_kind text, attention_entity_type text, attention_entity_key text, attention_summary text)
), ins AS (
  INSERT INTO inbound_events (id, provider, connection, provider_event_id, type, canonical_type, queue, status, payload, canonical, headers, occurred_at, last_error)
  SELECT id, provider, connection, provider_event_id, type, canonical_type, queue, status::"EventStatus", payload, canonical, headers, occurred_at, last_error FROM input
  -- One lock order for every writer of these rows (the relay uses it too): no deadlocks.
  ORDER BY provider COLLATE "C", connection COLLATE "C", provider_event_id COLLATE "C"
  ON CONFLICT (provider, connection, provider_event_id)
  DO UPDATE SET deliveries = inbound_events.deliveries + 1, last_delivered_at = now()
  RETURNING id, provider_event_id, (xmax = 0) AS inserted, deliveries, status::text AS status
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
SELECT ins.id, ins.provider_event_id, ins.inserted, ins.deliveries, ins.status, (SELECT count(*) FROM ob)::int AS outboxed FROM ins`;

/**
 * The ingest hot path runs on the pg pool directly: Prisma's raw-query path costs about twice a
 * plain round trip, and this statement is what a provider waits for.
 */
export async function recordInboundEvents(pool: Pool, events: NewInboundEvent[]): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({
    id: e.id,
    provider: e.provider,
    connection: e.connection,
    provider_event_id: e.providerEventId,
    type: e.type,
    canonical_type: e.canonicalType,
    queue: e.queue,
    status: e.status,
    payload: e.payload,
    canonical: e.canonical,
    headers: e.headers,
    occurred_at: e.occurredAt?.toISOString() ?? null,
    last_error: e.lastError ?? null,
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
  const { rows: result } = await pool.query<{ id: string; provider_event_id: string; inserted: boolean; deliveries: number; status: EventStatus }>({ name: 'record-inbound-events', text: RECORD_SQL, values: [JSON.stringify(rows)] });
  return result.map((r) => ({ id: r.id, providerEventId: r.provider_event_id, inserted: r.inserted, deliveries: Number(r.deliveries), status: r.status }));
}

/** received → queued, once the job is in Redis. Never moves an event backwards. */
export async function markEventsQueued(db: Sql, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  // A worker may already have picked the job up (it can run before this commits): keep its status.
  await db.$executeRawUnsafe(
    `UPDATE inbound_events SET queued_at = coalesce(queued_at, now()),
       status = CASE WHEN status = 'received' THEN 'queued'::"EventStatus" ELSE status END
     WHERE id IN (SELECT id FROM inbound_events WHERE id = ANY($1::uuid[]) AND (queued_at IS NULL OR status = 'received')
                  ORDER BY provider COLLATE "C", connection COLLATE "C", provider_event_id COLLATE "C" FOR UPDATE)`,
    eventIds,
  );
}

/**
 * Claims an event for processing. Returns null when it is already finished (processed, ignored or unmapped),
 * so a re-delivered job does nothing. A dead event is claimed: its job only runs again when a
 * person re-drove it (Bull Board retry or the ops API).
 */
export async function startProcessing(db: Sql, eventId: string) {
  const rows = await db.$queryRawUnsafe<{ id: string; canonical: unknown; status: EventStatus; attempts: number }[]>(
    `UPDATE inbound_events SET status = 'processing', attempts = attempts + 1
     WHERE id = $1::uuid AND status NOT IN ('processed', 'ignored', 'unmapped')
     RETURNING id, canonical, status::text AS status, attempts`,
    eventId,
  );
  return rows[0] ?? null;
}

export async function markEventProcessed(db: Sql, eventId: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE inbound_events SET status = 'processed', processed_at = now(), last_error = NULL WHERE id = $1::uuid AND status <> 'processed'`, eventId);
}

/**
 * The UPDATE of markEventProcessedFor with its values as SQL expressions, for statements that finish
 * the event together with their own writes (a CTE body; add the statement's own conditions).
 */
export const PROCESSED_FOR_SQL = (eventId: string, entityType: string, entityKey: string) => `UPDATE inbound_events SET entity_type = ${entityType}, entity_key = ${entityKey},
       status = 'processed', processed_at = CASE WHEN status = 'processed' THEN processed_at ELSE now() END,
       last_error = CASE WHEN status = 'processed' THEN last_error ELSE NULL END
     WHERE id = ${eventId}::uuid`;

/**
 * markEventProcessed, also tagging the event with the entity it is about (tagEventEntity): one
 * statement for handlers that finish the event inside their own transaction.
 */
export async function markEventProcessedFor(db: Sql, eventId: string, entityType: string, entityKey: string): Promise<void> {
  await db.$executeRawUnsafe(
    PROCESSED_FOR_SQL('$1', '$2', '$3'),
    eventId,
    entityType,
    entityKey,
  );
}

export async function markEventFailed(db: Sql, eventId: string, error: string, dead: boolean): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE inbound_events SET status = $2::"EventStatus", last_error = $3 WHERE id = $1::uuid AND status NOT IN ('processed', 'ignored', 'unmapped')`,
    eventId,
    dead ? 'dead' : 'failed',
    error.slice(0, 2000),
  );
}

/**
 * Events that still owe work and have not moved for `olderThanMs`: their job may have been lost
 * (Redis restarted without persistence, FLUSHALL). Marks them re-driven so one tick takes each once.
 */
export async function claimStaleEvents(db: Sql, olderThanMs: number, limit: number): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE inbound_events SET redriven_at = now()
     WHERE id IN (
       SELECT id FROM inbound_events
       WHERE status = ANY($3::"EventStatus"[])
         AND greatest(received_at, last_delivered_at, coalesce(queued_at, received_at), coalesce(redriven_at, received_at)) < now() - ($1::int * interval '1 millisecond')
       ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    olderThanMs,
    limit,
    unfinishedStatuses,
  );
  return rows.map((r) => r.id);
}
