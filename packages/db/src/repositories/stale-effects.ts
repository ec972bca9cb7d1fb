import { sql, type Selectable } from 'kysely';
import type { Db } from '../database';
import type { Effect } from '../generated/kysely/types';

/**
 * Effects still owed (pending, or sent with an unknown outcome) that have not moved for
 * `olderThanMs`: their job may have been lost with Redis' data. Touches them so one redriver
 * tick takes each once.
 */
export async function claimStaleEffects(db: Db, input: { olderThanMs: number; limit: number }): Promise<string[]> {
  const { rows } = await sql<Pick<Selectable<Effect>, 'id'>>`UPDATE effects SET updated_at = now()
     WHERE id IN (
       SELECT id FROM effects
       WHERE status IN ('pending', 'sending') AND updated_at < now() - (${input.olderThanMs}::int * interval '1 millisecond')
       ORDER BY updated_at LIMIT ${input.limit} FOR UPDATE SKIP LOCKED)
     RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}

/** Makes the outbox dispatch these effects' jobs again (same job ids: a job that still exists is not duplicated). */
export async function redispatchEffects(db: Db, effectIds: string[]): Promise<number> {
  if (effectIds.length === 0) return 0;
  const result = await sql`UPDATE outbox_entries SET dispatched_at = NULL WHERE data->>'effectId' = ANY(${effectIds}::text[]) AND dispatched_at IS NOT NULL`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
