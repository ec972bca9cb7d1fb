import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * The console dashboard's time series, read from the tables themselves (no metrics store). Every
 * statement is bounded by a range on an indexed time column and grouped into `date_bin` buckets
 * aligned to the epoch, so a bucket means the same interval whatever range was asked for.
 */

export interface DashboardRange {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

export interface ProviderCount {
  at: Date;
  provider: string;
  n: number;
}

export interface EffectBucket {
  at: Date;
  done: number;
  failed: number;
  skipped: number;
  /** Receipt of the inbound event → effect done, over the effects done in the bucket that have an event; null when none. */
  p50: number | null;
  p99: number | null;
}

const bin = (range: DashboardRange, column: string) => sql<Date>`date_bin(${`${range.bucketSeconds} seconds`}::interval, ${sql.ref(column)}, timestamptz 'epoch')`;

// The bucket is a bound parameter: Postgres would not see `date_bin($1, …)` in the select list and
// `date_bin($4, …)` in GROUP BY as one expression, so the grouping names the select list's column.
const byFirstColumn = sql`1`;

/**
 * Events per bucket and provider, by when they were received (inbound_events_received_at_idx) or
 * when their processing finished (inbound_events_processed_at_provider_idx, an index-only scan).
 */
export async function eventsByBucket(db: Db, range: DashboardRange, by: 'received_at' | 'processed_at'): Promise<ProviderCount[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select((eb) => [bin(range, by).as('at'), 'provider', eb.fn.countAll<string>().as('n')])
    .where(by, '>=', range.from)
    .where(by, '<', range.to)
    .groupBy([byFirstColumn, 'provider'])
    .execute();
  return rows.map((r) => ({ at: r.at, provider: r.provider, n: Number(r.n) }));
}

/**
 * Effects per bucket: done by done_at (with latency percentiles), failed and skipped by when they
 * last changed (they carry no time of their own for it). Buckets with none of either are absent.
 */
export async function effectsByBucket(db: Db, range: DashboardRange): Promise<EffectBucket[]> {
  const [done, settled] = await Promise.all([
    db
      .selectFrom('effects as e')
      .leftJoin('inbound_events as ev', 'ev.id', 'e.event_id')
      .select((eb) => [
        bin(range, 'e.done_at').as('at'),
        eb.fn.countAll<string>().as('n'),
        sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from e.done_at - ev.received_at) * 1000)`.as('p50'),
        sql<number | null>`percentile_cont(0.99) within group (order by extract(epoch from e.done_at - ev.received_at) * 1000)`.as('p99'),
      ])
      .where('e.done_at', '>=', range.from)
      .where('e.done_at', '<', range.to)
      .where('e.status', '=', 'done')
      .groupBy(byFirstColumn)
      .execute(),
    db
      .selectFrom('effects')
      .select((eb) => [bin(range, 'updated_at').as('at'), 'status', eb.fn.countAll<string>().as('n')])
      .where('status', 'in', ['failed', 'skipped'])
      .where('updated_at', '>=', range.from)
      .where('updated_at', '<', range.to)
      .groupBy([byFirstColumn, 'status'])
      .execute(),
  ]);
  const buckets = new Map<number, EffectBucket>();
  const bucket = (at: Date) => {
    let b = buckets.get(at.getTime());
    if (!b) buckets.set(at.getTime(), (b = { at, done: 0, failed: 0, skipped: 0, p50: null, p99: null }));
    return b;
  };
  for (const r of done) Object.assign(bucket(r.at), { done: Number(r.n), p50: r.p50 === null ? null : Math.round(Number(r.p50)), p99: r.p99 === null ? null : Math.round(Number(r.p99)) });
  for (const r of settled) bucket(r.at)[r.status === 'failed' ? 'failed' : 'skipped'] = Number(r.n);
  return [...buckets.values()];
}
