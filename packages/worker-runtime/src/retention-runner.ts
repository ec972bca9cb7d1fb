import { Counter, type Registry } from 'prom-client';
import { deleteDispatchedOutbox, deleteExpiredAuditEntries, dropExpiredPayloads, transaction, tryRetentionLock, type Database, type RetentionBatch, type Tx } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';

/** The `retention` section of the configuration file (read again every tick, so a reload applies). */
export interface RetentionPolicy {
  payloadDays: number;
  dispatchedOutboxMinutes: number;
  auditDays: number;
  batchSize: number;
  intervalSeconds: number;
}

export interface RetentionRunnerOptions {
  database: Database;
  logger: Logger;
  policy(): RetentionPolicy;
  metrics?: Registry;
  /** Batches per task per tick, so a large backlog drains over several ticks instead of in one long run. */
  maxBatchesPerTick?: number;
  now?(): Date;
}

const DAY_MS = 86_400_000;

interface Task {
  table: string;
  action: string;
  cutoff(policy: RetentionPolicy, now: number): Date;
  run(tx: Tx, batch: RetentionBatch): Promise<number>;
}

const tasks: Task[] = [
  { table: 'inbound_events', action: 'payload_dropped', cutoff: (p, now) => new Date(now - p.payloadDays * DAY_MS), run: dropExpiredPayloads },
  { table: 'outbox_entries', action: 'deleted', cutoff: (p, now) => new Date(now - p.dispatchedOutboxMinutes * 60_000), run: deleteDispatchedOutbox },
  { table: 'audit_entries', action: 'deleted', cutoff: (p, now) => new Date(now - p.auditDays * DAY_MS), run: deleteExpiredAuditEntries },
];

export type RetentionTickResult = Record<string, number> & { busy?: number };

/** `switchyard_retention_rows_total`: the registry's own, when it already declares it (a worker app's always does). */
export function retentionRowsCounter(metrics?: Registry): Counter<'table' | 'action'> {
  const existing = metrics?.getSingleMetric('switchyard_retention_rows_total') as Counter<'table' | 'action'> | undefined;
  return existing ?? new Counter({ name: 'switchyard_retention_rows_total', help: 'Rows retention changed, by table and action (payload_dropped, deleted)', labelNames: ['table', 'action'], registers: metrics ? [metrics] : [] });
}

/**
 * Removes what has outlived the retention policy, from a worker process. Every replica runs one,
 * but each batch is its own short transaction that first takes a Postgres advisory lock
 * (pg_try_advisory_xact_lock): a replica that finds it taken skips its tick, so one replica works
 * at a time and a replica that dies mid-batch releases the lock with its transaction. The lock
 * lives where the data does, so retention needs no Redis and no job state.
 */
export class RetentionRunner {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private readonly rows: Counter<'table' | 'action'>;

  constructor(private readonly opts: RetentionRunnerOptions) {
    this.rows = retentionRowsCounter(opts.metrics);
  }

  /** One pass: each task in batches until nothing is left or the per-tick cap. Returns rows per `table.action`. */
  async tick(): Promise<RetentionTickResult> {
    const policy = this.opts.policy();
    const now = (this.opts.now?.() ?? new Date()).getTime();
    const maxBatches = this.opts.maxBatchesPerTick ?? 20;
    const result: RetentionTickResult = {};
    for (const task of tasks) {
      const before = task.cutoff(policy, now);
      let total = 0;
      for (let batch = 0; batch < maxBatches; batch++) {
        const n = await transaction(this.opts.database, async (tx) => ((await tryRetentionLock(tx)) ? task.run(tx, { before, limit: policy.batchSize }) : null));
        if (n === null) {
          result.busy = 1;
          return this.report(result);
        }
        total += n;
        if (n > 0) this.rows.inc({ table: task.table, action: task.action }, n);
        if (n < policy.batchSize) break;
      }
      result[`${task.table}.${task.action}`] = total;
    }
    return this.report(result);
  }

  private report(result: RetentionTickResult): RetentionTickResult {
    const changed = Object.entries(result).filter(([k, n]) => k !== 'busy' && n > 0);
    if (changed.length) this.opts.logger.info('retention removed expired data', Object.fromEntries(changed));
    return result;
  }

  start(): void {
    const schedule = () => {
      this.timer = setTimeout(() => {
        this.ticking = this.tick()
          .catch((err: Error) => this.opts.logger.warn('retention tick failed', { error: err.message }))
          .finally(() => {
            this.ticking = undefined;
            if (this.timer) schedule();
          });
      }, this.opts.policy().intervalSeconds * 1000);
      this.timer.unref();
    };
    schedule();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
  }
}
