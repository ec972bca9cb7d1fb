import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { acquireLease, markRedriveTried, recordRedriveItem, releaseLease, unfinishedRedrives, untriedRedriveItems } from '@switchyard/db';
import { tryRedriveItem, type BulkRedrive, type BulkRedriveDeps } from './bulk-redrive';

export interface RedriveRunnerOptions extends BulkRedriveDeps {
  /** How often unfinished re-drives are looked for (default 5 s). */
  intervalMs?: number;
  /** How long a run's lease lasts unless renewed (default 30 s): how soon another replica resumes a crashed run. */
  leaseMs?: number;
  /** This replica's name on the leases; unique per process by default. */
  holder?: string;
  /**
   * Called after an item was re-driven and before its outcome is recorded; a rejection ends the run
   * there, as a crash would. Tests use it to stop a run mid-way.
   */
  afterItem?: (item: { redriveId: string; deadLetterId: string; tried: number }) => Promise<void> | void;
}

export type RedriveRunEnd = 'finished' | 'held elsewhere' | 'lease lost' | 'stopped';

/**
 * Tries the items of bulk re-drives, in every ops replica: a re-drive started here at once, and on
 * a timer every unfinished one of this fleet (its starter stopped or crashed). A lease per re-drive
 * (a compare-and-set on holder + expiry by the database's clock, renewed before each item) lets one
 * replica work on it at a time; a crashed holder's lease expires and another replica continues from
 * the first item not recorded. An item is recorded once, and one re-driven but not recorded (the
 * run stopped in between) is found gone from its DLQ and counted, not re-driven again.
 */
export class RedriveRunner {
  /** Looks for unfinished re-drives completed: what a test waits on before asserting nothing was resumed. */
  ticks = 0;
  private readonly holder: string;
  private readonly runs = new Map<string, Promise<RedriveRunEnd>>();
  private loop: Promise<void> | undefined;
  private readonly stopped = new AbortController();

  constructor(private readonly opts: RedriveRunnerOptions) {
    this.holder = opts.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Runs the re-drive unless this replica already is, or another holds its lease; settles when the run ends. */
  run(redrive: BulkRedrive): Promise<RedriveRunEnd> {
    const running = this.runs.get(redrive.id);
    if (running) return running;
    const run = this.runLeased(redrive)
      .catch((err: Error) => {
        this.opts.logger.error('bulk re-drive stopped before trying every dead letter; another run resumes it', { redriveId: redrive.id, error: err.message });
        return 'stopped' as const;
      })
      .finally(() => this.runs.delete(redrive.id));
    this.runs.set(redrive.id, run);
    return run;
  }

  /** Starts a run for every unfinished re-drive of this fleet that no replica holds. */
  async tick(): Promise<void> {
    try {
      const pending = await unfinishedRedrives(this.opts.db, this.opts.queues.prefix);
      for (const r of pending) {
        if (this.stopped.signal.aborted) return;
        void this.run({ id: r.id, reason: r.reason, actor: r.started_by, startedAt: r.created_at });
      }
    } finally {
      this.ticks++;
    }
  }

  /** Looks for unfinished re-drives now and then every interval, until stop(). */
  start(): void {
    if (this.loop) return;
    const { signal } = this.stopped;
    this.loop = (async () => {
      while (!signal.aborted) {
        await this.tick().catch((err: Error) => this.opts.logger.warn('looking for unfinished bulk re-drives failed', { error: err.message }));
        // Unref'd: a pending wait never keeps the process alive on its own.
        await delay(this.opts.intervalMs ?? 5000, undefined, { signal, ref: false }).catch(() => undefined);
      }
    })();
  }

  /** Ends every run after the item it is on and hands the leases back, so another replica continues at once. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.loop;
    await Promise.all(this.runs.values());
  }

  private async runLeased(redrive: BulkRedrive): Promise<RedriveRunEnd> {
    const { db, logger } = this.opts;
    const lease = { name: `redrive:${redrive.id}`, holder: this.holder, ttlMs: this.opts.leaseMs ?? 30_000 };
    if (!(await acquireLease(db, lease))) return 'held elsewhere';
    try {
      const items = await untriedRedriveItems(db, redrive.id);
      let tried = 0;
      let retried = 0;
      for (const item of items) {
        if (this.stopped.signal.aborted) return 'stopped';
        // Renewed before each item: if it expired meanwhile (this process paused) and another replica took it, that one continues.
        if (!(await acquireLease(db, lease))) return 'lease lost';
        const { outcome, detail } = await tryRedriveItem(this.opts, redrive, item.deadLetterId);
        tried += 1;
        await this.opts.afterItem?.({ redriveId: redrive.id, deadLetterId: item.deadLetterId, tried });
        if (outcome === 'retried') retried += 1;
        await recordRedriveItem(db, { redriveId: redrive.id, deadLetterId: item.deadLetterId, outcome, detail });
      }
      await markRedriveTried(db, redrive.id);
      logger.info('bulk re-drive tried every dead letter', { audit: true, who: redrive.actor, redriveId: redrive.id, tried, retried });
      return 'finished';
    } finally {
      await releaseLease(db, lease).catch(() => undefined);
    }
  }
}
