import { claimStaleEffects, claimStaleEvents, redispatchEffects, redispatchEvents, type Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { OutboxRelay } from './outbox-relay';

export interface StaleWorkRedriverOptions {
  database: Database;
  relay: OutboxRelay;
  logger: Logger;
  /** An unfinished event that has not moved for this long is re-driven. */
  staleAfterMs: number;
  intervalMs: number;
  batchSize?: number;
}

/**
 * Re-drives events whose processing has not finished in time, and effects still owed, so a Redis
 * that lost its data (restart without persistence, FLUSHALL) loses no event and no effect.
 * Re-driving re-dispatches the outbox entry with the same job id, so a job that still exists is
 * not duplicated, and the effect ledger makes a repeated effect job harmless.
 */
export class StaleWorkRedriver {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<number> | undefined;

  constructor(private readonly opts: StaleWorkRedriverOptions) {}

  async tick(): Promise<number> {
    const limit = this.opts.batchSize ?? 500;
    const { database, staleAfterMs } = this.opts;
    const ids = await claimStaleEvents(database, { olderThanMs: staleAfterMs, limit });
    const effectIds = await claimStaleEffects(database, { olderThanMs: staleAfterMs, limit });
    if (ids.length === 0 && effectIds.length === 0) return 0;
    const n = (await redispatchEvents(database, ids)) + (await redispatchEffects(database, effectIds));
    this.opts.logger.info('re-drove stale work', { events: ids.length, effects: effectIds.length, outboxEntries: n });
    this.opts.relay.wake();
    return ids.length + effectIds.length;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .catch((err: Error) => {
          this.opts.logger.warn('stale-work re-drive failed', { error: err.message });
          return 0;
        })
        .finally(() => (this.ticking = undefined));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }
}
