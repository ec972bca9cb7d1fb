import { sql } from 'kysely';
import type { Tx } from '../database';

/**
 * Retention: what expires, in batches small enough that a batch never holds locks ingest waits on
 * for long. Rows are changed in place or deleted in batches rather than by dropping time
 * partitions: the event rows must outlive their payloads (they are the dedup keys), and a
 * partitioned `inbound_events` could not keep one unique (provider, connection, event id) index
 * across partitions, which is what recognises a redelivery months later.
 */

/** pg_try_advisory_xact_lock key: "retention" as an int8, shared by every replica. */
export const RETENTION_LOCK_KEY = 0x73795f726574656en;

/**
 * Takes the retention lock for the current transaction (released at commit); false when another
 * replica holds it. Held for one batch only, so a replica that dies never leaves it taken.
 */
export async function tryRetentionLock(tx: Tx): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY.toString()}::bigint) AS locked`.execute(tx);
  return rows[0]?.locked === true;
}

export type RetentionTask = 'inbound_events.payload_dropped' | 'outbox_entries.deleted' | 'audit_entries.deleted';

/** One retention batch: rows older than `before`, at most `limit` of them. */
export interface RetentionBatch {
  before: Date;
  limit: number;
}

const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0);

/**
 * Drops payload and headers of events received before `before`; the row (dedup key, status,
 * canonical event) stays. Rows a delivery is updating right now are skipped, not waited for.
 */
export async function dropExpiredPayloads(tx: Tx, batch: RetentionBatch): Promise<number> {
  return affected(
    await sql`UPDATE inbound_events SET payload = NULL, headers = NULL, payload_dropped_at = now()
     WHERE id IN (SELECT id FROM inbound_events WHERE payload_dropped_at IS NULL AND received_at < ${batch.before.toISOString()}::timestamptz
                  ORDER BY received_at LIMIT ${batch.limit} FOR UPDATE SKIP LOCKED)`.execute(tx),
  );
}

/**
 * Deletes outbox entries handed to the queue before `before` whose work is settled: the event
 * processed or ignored, the effect done or skipped. Entries of unfinished, dead or failed work
 * stay, because the stale-work redriver and the operators' re-drives dispatch them again.
 */
export async function deleteDispatchedOutbox(tx: Tx, batch: RetentionBatch): Promise<number> {
  return affected(
    await sql`DELETE FROM outbox_entries WHERE id IN (
       SELECT o.id FROM outbox_entries o
       LEFT JOIN inbound_events e ON e.id = o.event_id
       LEFT JOIN effects f ON o.data ? 'effectId' AND f.id = (o.data->>'effectId')::uuid
       WHERE o.dispatched_at < ${batch.before.toISOString()}::timestamptz
         AND CASE WHEN o.data ? 'effectId' THEN f.id IS NULL OR f.status IN ('done', 'skipped')
                  ELSE e.id IS NULL OR e.status IN ('processed', 'ignored') END
       ORDER BY o.dispatched_at LIMIT ${batch.limit} FOR UPDATE OF o SKIP LOCKED)`.execute(tx),
  );
}

export async function deleteExpiredAuditEntries(tx: Tx, batch: RetentionBatch): Promise<number> {
  return affected(
    await sql`DELETE FROM audit_entries WHERE id IN (SELECT id FROM audit_entries WHERE at < ${batch.before.toISOString()}::timestamptz ORDER BY at LIMIT ${batch.limit} FOR UPDATE SKIP LOCKED)`.execute(tx),
  );
}
