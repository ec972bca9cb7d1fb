import { sql } from 'kysely';
import type { Db } from '../database';

/*
 * The numbers the alert rules compare, read from Postgres (dead-letter depth is Redis's: the ops
 * app reads it from the queues). Each is one indexed statement, cheap enough every 30 seconds with
 * millions of rows.
 */

/** Intent effects (messages, team posts) parked for a person. */
export async function countParkedEffects(db: Db): Promise<number> {
  const row = await db.selectFrom('effects').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'parked').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Events received more than `olderThanMs` ago that are still not finished (waiting, running or between retries). */
export async function countStuckEvents(db: Db, olderThanMs: number): Promise<number> {
  const row = await db
    .selectFrom('inbound_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', 'in', ['received', 'queued', 'processing', 'failed'])
    .where('received_at', '<', sql<Date>`now() - ${olderThanMs} * interval '1 millisecond'`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Failed and finished in the last `windowMs`. Effects: failed of done, failed or skipped, by when
 * they last changed. Events: dead of those received in the window that are finished (processed,
 * ignored, unmapped or dead); an event still retrying counts once it ends.
 */
export async function countFailures(db: Db, input: { of: 'effects' | 'events'; windowMs: number }): Promise<{ failed: number; finished: number }> {
  const since = sql<Date>`now() - ${input.windowMs} * interval '1 millisecond'`;
  const row =
    input.of === 'effects'
      ? await db
          .selectFrom('effects')
          .select((eb) => [eb.fn.countAll<string>().filterWhere('status', '=', 'failed').as('failed'), eb.fn.countAll<string>().as('finished')])
          .where('status', 'in', ['done', 'failed', 'skipped'])
          .where('updated_at', '>=', since)
          .executeTakeFirstOrThrow()
      : await db
          .selectFrom('inbound_events')
          .select((eb) => [eb.fn.countAll<string>().filterWhere('status', '=', 'dead').as('failed'), eb.fn.countAll<string>().as('finished')])
          .where('status', 'in', ['processed', 'ignored', 'unmapped', 'dead'])
          .where('received_at', '>=', since)
          .executeTakeFirstOrThrow();
  return { failed: Number(row.failed), finished: Number(row.finished) };
}

/**
 * Milliseconds since the connection's newest event; for a connection that never had one, since
 * `watchingSince` (when the rule began watching it), so a new rule does not fire at once.
 */
export async function msSinceLastEvent(db: Db, input: { provider: string; connection: string; watchingSince: Date }): Promise<number> {
  const { rows } = await sql<{ ms: string }>`SELECT (extract(epoch FROM now() - coalesce(
       (SELECT max(received_at) FROM inbound_events WHERE provider = ${input.provider} AND connection = ${input.connection}), ${input.watchingSince}::timestamptz)) * 1000)::bigint AS ms`.execute(db);
  return Math.max(0, Number(rows[0]?.ms ?? 0));
}
