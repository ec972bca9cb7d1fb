import type { PrismaDb } from '../transaction';

/**
 * Effects still owed (pending, or sent with an unknown outcome) that have not moved for
 * `olderThanMs`: their job may have been lost with Redis' data. Touches them so one reconciler
 * tick takes each once.
 */
export async function claimStaleEffects(db: PrismaDb, olderThanMs: number, limit: number): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE effects SET updated_at = now()
     WHERE id IN (
       SELECT id FROM effects
       WHERE status IN ('pending', 'sending') AND updated_at < now() - ($1::int * interval '1 millisecond')
       ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    olderThanMs,
    limit,
  );
  return rows.map((r) => r.id);
}

/** Makes the outbox dispatch these effects' jobs again (same job ids: a job that still exists is not duplicated). */
export async function redispatchEffects(db: PrismaDb, effectIds: string[]): Promise<number> {
  if (effectIds.length === 0) return 0;
  return db.$executeRawUnsafe(`UPDATE outbox_entries SET dispatched_at = NULL WHERE data->>'effectId' = ANY($1::text[]) AND dispatched_at IS NOT NULL`, effectIds);
}
