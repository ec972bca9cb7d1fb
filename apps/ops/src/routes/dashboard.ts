import { Router } from 'express';
import { z } from 'zod';
import { countParkedEffects, countPendingOutbox, effectsByBucket, eventsByBucket, type Database, type ProviderCount } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { queueNames } from '@switchyard/queues';
import { requireRole } from '../auth/roles';
import type { OpsQueues } from '../queues/ops-queues';
import { isoDate, parseRequest, unknownKeys } from '../validation/parse-request';

const BUCKETS = { '5m': 300, '1h': 3600, '1d': 86_400 } as const;
const bucketNames = Object.keys(BUCKETS) as (keyof typeof BUCKETS)[];
const DEFAULT_RANGE_MS = 24 * 3600_000;
/** More points than a chart can show; also what keeps one request's statements bounded. */
const MAX_BUCKETS = 2000;

const query = z
  .strictObject(
    {
      from: isoDate.optional(),
      to: isoDate.optional(),
      bucket: z.enum(bucketNames, { error: (issue) => `"${String(issue.input)}" is not a bucket (one of: ${bucketNames.join(', ')})` }).default('1h'),
    },
    unknownKeys('parameter'),
  )
  .transform((q) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
    return { from, to, bucket: q.bucket };
  })
  .refine((q) => q.from < q.to, { message: '"from" must be before "to"', path: ['from'] })
  .refine((q) => (q.to.getTime() - q.from.getTime()) / 1000 / BUCKETS[q.bucket] <= MAX_BUCKETS, {
    message: `makes more than ${MAX_BUCKETS} points: choose a larger bucket or a shorter range`,
    path: ['bucket'],
  });

/** bucket start (ms) → provider → count */
function byBucket(rows: ProviderCount[]): Map<number, Record<string, number>> {
  const buckets = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const counts = buckets.get(r.at.getTime()) ?? {};
    counts[r.provider] = r.n;
    buckets.set(r.at.getTime(), counts);
  }
  return buckets;
}

export interface DashboardRouteDeps {
  db: Database;
  queues: OpsQueues;
  logger: Logger;
}

/**
 * `GET /api/dashboard?from=&to=&bucket=5m|1h|1d` (default: the last 24 hours by hour): events
 * received and processed per provider, effects done / failed / skipped with receipt-to-done latency,
 * per bucket; and now: dead letters and waiting / active / delayed jobs per queue, parked sends and
 * the outbox backlog. From Postgres and the queues, no separate metrics store.
 */
export function dashboardRoutes(deps: DashboardRouteDeps): Router {
  const router = Router();

  router.get('/api/dashboard', requireRole('viewer'), async (req, res) => {
    const q = parseRequest(query, req.query, res, 'query');
    if (!q) return;
    const size = BUCKETS[q.bucket] * 1000;
    const range = { from: q.from, to: q.to, bucketSeconds: BUCKETS[q.bucket] };
    let queues: { deadLetters: Record<string, number>; queues: Record<string, { waiting: number; active: number; delayed: number }> };
    try {
      queues = await queueDepths(deps.queues);
    } catch (err) {
      deps.logger.warn('dashboard: the queues did not answer', { error: (err as Error).message });
      res.status(503).json({ error: 'unavailable', message: 'Redis did not answer: the queue depths are unknown; retry shortly' });
      return;
    }
    const [received, processed, effects, parkedSends, outboxBacklog] = await Promise.all([
      eventsByBucket(deps.db, range, 'received_at'),
      eventsByBucket(deps.db, range, 'processed_at'),
      effectsByBucket(deps.db, range),
      countParkedEffects(deps.db),
      countPendingOutbox(deps.db),
    ]);
    const receivedAt = byBucket(received);
    const processedAt = byBucket(processed);
    const effectsAt = new Map(effects.map((e) => [e.at.getTime(), e]));
    const series = [];
    // Buckets are aligned to the epoch (as date_bin bins them), so the first may start before `from`.
    for (let at = Math.floor(q.from.getTime() / size) * size; at < q.to.getTime(); at += size) {
      const e = effectsAt.get(at);
      series.push({
        at: new Date(at).toISOString(),
        received: receivedAt.get(at) ?? {},
        processed: processedAt.get(at) ?? {},
        effects: { done: e?.done ?? 0, failed: e?.failed ?? 0, skipped: e?.skipped ?? 0 },
        latencyMs: e && e.p50 !== null && e.p99 !== null ? { p50: e.p50, p99: e.p99 } : null,
      });
    }
    res.json({ from: q.from.toISOString(), to: q.to.toISOString(), bucket: q.bucket, series, now: { ...queues, parkedSends, outboxBacklog } });
  });

  return router;
}

async function queueDepths(queues: OpsQueues) {
  const rows = await Promise.all(
    queueNames.map(async (name) => {
      const [dead, counts] = await Promise.all([queues.deadLetters(name).count(), queues.get(name).getJobCounts('waiting', 'active', 'delayed')]);
      return { name, dead, counts: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0 } };
    }),
  );
  return { deadLetters: Object.fromEntries(rows.map((r) => [r.name, r.dead])), queues: Object.fromEntries(rows.map((r) => [r.name, r.counts])) };
}
