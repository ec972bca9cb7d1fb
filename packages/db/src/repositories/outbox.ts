import { sql, type Selectable } from 'kysely';
import type { QueryResult } from 'pg';
import { poolOfDatabase, type Database, type Db, type Tx } from '../database';
import type { OutboxEntry } from '../generated/kysely/types';

type OutboxColumns = Selectable<OutboxEntry>;

/** An undispatched entry as the relay hands it to the queue (id is int8: a string, as pg reads it). */
export interface PendingOutboxEntry {
  id: OutboxColumns['id'];
  eventId: OutboxColumns['event_id'];
  queue: OutboxColumns['queue'];
  jobName: OutboxColumns['job_name'];
  jobId: OutboxColumns['job_id'];
  data: OutboxColumns['data'];
}

/**
 * The claim: locks up to `limit` undispatched entries for the caller's transaction; other relays
 * skip them instead of waiting. Written out whole, with the limit inlined as a checked integer, so
 * the relay can send it in one simple-protocol query together with BEGIN (that protocol takes no
 * parameters). Run it after NO_BITMAP_SCANS in the same transaction.
 */
function claimStatement(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`outbox claim: limit must be a positive integer, got ${String(limit)}`);
  return `SELECT id, event_id AS "eventId", queue, job_name AS "jobName", job_id AS "jobId", data
     FROM outbox_entries WHERE dispatched_at IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
}

/**
 * The claim is a plain index scan (bitmap scans off for its transaction): every dispatched entry
 * leaves a dead `dispatched_at IS NULL` index entry behind until autovacuum runs, and a bitmap
 * scan visits them all on every claim (measured: 4.8 ms per claim after 40,000 entries), while a
 * plain index scan marks them dead once and skips them afterwards (0.4 ms).
 */
const NO_BITMAP_SCANS = 'SET LOCAL enable_bitmapscan = off';

/** Locks up to `limit` undispatched entries for the caller's transaction (see claimStatement). */
export async function claimPendingOutbox(tx: Tx, limit: number): Promise<PendingOutboxEntry[]> {
  await sql.raw(NO_BITMAP_SCANS).execute(tx);
  const { rows } = await sql.raw<PendingOutboxEntry>(claimStatement(limit)).execute(tx);
  return rows;
}

/** Marks entries dispatched (nothing about their events: for entries that are not an event's job). */
export async function markOutboxDispatched(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox_entries')
    .set({ dispatched_at: sql`now()`, attempts: (eb) => eb('attempts', '+', 1) })
    .where('id', '=', sql<string>`ANY(${ids}::bigint[])`)
    .execute();
}

/**
 * Marks entries dispatched and their events queued (received → queued), in one statement. The ids
 * are inlined (checked to be int8 digits) for the same reason as the claim's limit: the relay sends
 * this together with its COMMIT.
 */
function markDispatchedAndEventsQueuedStatement(ids: string[]): string {
  for (const id of ids) if (!/^[0-9]{1,19}$/.test(id)) throw new Error(`outbox mark: entry id must be an int8, got ${JSON.stringify(id)}`);
  return `WITH d AS (
       UPDATE outbox_entries SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY('{${ids.join(',')}}'::bigint[]) RETURNING event_id
     )
     UPDATE inbound_events SET queued_at = coalesce(queued_at, now()),
       status = CASE WHEN status = 'received' THEN 'queued'::"EventStatus" ELSE status END
     WHERE id IN (
       -- Locked in the order ingest locks them (recordInboundEvents), so a duplicate delivery of the
       -- same batch arriving now waits for this or this waits for it, and they never deadlock.
       SELECT id FROM inbound_events WHERE id IN (SELECT event_id FROM d WHERE event_id IS NOT NULL) AND (queued_at IS NULL OR status = 'received')
       ORDER BY provider COLLATE "C", connection COLLATE "C", provider_event_id COLLATE "C" FOR UPDATE)`;
}

export interface DispatchPendingOutboxInput {
  limit: number;
  /** Hands the claimed entries on (the relay's addBulk); runs while they are locked. Throwing leaves them pending. */
  dispatch: (entries: PendingOutboxEntry[]) => Promise<void>;
}

/**
 * The relay's whole batch in two round trips on one connection: `BEGIN; claim` as one query, then
 * (after `dispatch`) `mark; COMMIT` as another; an empty claim costs a `COMMIT` instead. Through
 * transaction() the same work is five round trips (BEGIN, SET, claim, mark, COMMIT), which the
 * pipeline bench shows. Multi-statement queries go over the simple protocol, which takes no
 * parameters: the statements above inline their checked values instead.
 *
 * `dispatch` runs inside the transaction on purpose: the claim holds the entries while they are
 * handed on, so two relays never dispatch the same batch. If it throws, or any statement fails,
 * the transaction rolls back (the entries stay pending) and the error is rethrown. Returns how
 * many entries were dispatched.
 */
export async function dispatchPendingOutbox(db: Database, { limit, dispatch }: DispatchPendingOutboxInput): Promise<number> {
  const claim = `BEGIN; ${NO_BITMAP_SCANS}; ${claimStatement(limit)}`;
  const client = await poolOfDatabase(db).connect();
  // pg-pool drops its own listener on check-out, and a connection lost meanwhile (database restart)
  // would be an unhandled 'error' that kills the process (createPool's lifelong listener covers
  // its own pools only). This one also marks the client broken, so release() drops it.
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    // A multi-statement query resolves to one result per statement; the claim's is the last.
    const results = (await client.query(claim)) as unknown as QueryResult<PendingOutboxEntry>[];
    const entries = results.at(-1)?.rows ?? [];
    if (entries.length === 0) {
      await client.query('COMMIT');
      return 0;
    }
    await dispatch(entries);
    await client.query(`${markDispatchedAndEventsQueuedStatement(entries.map((e) => e.id))}; COMMIT`);
    return entries.length;
  } catch (err) {
    // After a failed statement the transaction is aborted (the rest of that query, COMMIT
    // included, was skipped); a connection that cannot even roll back is dropped below.
    await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
      broken ??= rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    });
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken ?? false);
  }
}

export async function recordOutboxFailure(db: Db, input: { ids: string[]; error: string }): Promise<void> {
  if (input.ids.length === 0) return;
  await db
    .updateTable('outbox_entries')
    .set({ attempts: (eb) => eb('attempts', '+', 1), last_error: input.error.slice(0, 2000) })
    .where('id', '=', sql<string>`ANY(${input.ids}::bigint[])`)
    .execute();
}

/** Makes the outbox dispatch these events' jobs again (the job ids stay the same, so no duplicates). */
export async function redispatchEvents(db: Db, eventIds: string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  const result = await db.updateTable('outbox_entries').set({ dispatched_at: null }).where('event_id', '=', sql<string>`ANY(${eventIds}::uuid[])`).where('dispatched_at', 'is not', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function countPendingOutbox(db: Db): Promise<number> {
  const row = await db.selectFrom('outbox_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('dispatched_at', 'is', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}
