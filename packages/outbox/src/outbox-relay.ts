import { claimPendingOutbox, dispatchPendingOutbox, recordOutboxFailure, transaction, type Database, type PendingOutboxEntry } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { QueueProducer } from '@switchyard/queues';
import { startProducerSpan, traceparentOfJobData } from '@switchyard/telemetry';

export interface OutboxRelayOptions {
  database: Database;
  producer: QueueProducer;
  logger: Logger;
  batchSize?: number;
  /** How often to look for work when nobody woke the relay (entries written by other processes). */
  pollIntervalMs?: number;
  /** Longest wait between tries while Redis is unreachable. */
  maxBackoffMs?: number;
  /** Pause after a partial batch so that entries written meanwhile go out together. */
  coalesceMs?: number;
}

/**
 * Moves outbox entries to BullMQ. Entries are committed with the change that caused them, so
 * nothing is lost while Redis is away: the relay keeps trying and catches up when it returns.
 * Several relays may run at once (SKIP LOCKED), and job ids make a repeated dispatch harmless.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly coalesceMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private failures = 0;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.batchSize = opts.batchSize ?? 500;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5000;
    this.coalesceMs = opts.coalesceMs ?? 25;
  }

  /**
   * Dispatches one batch; returns how many entries went to Redis. Throws if Redis refused them,
   * and then the claim is rolled back (the entries stay pending). One transaction on one pooled
   * connection, in two round trips (dispatchPendingOutbox): claim (locks the entries), addBulk,
   * mark dispatched and their events queued, commit. The addBulk runs inside the transaction on
   * purpose (the claim holds the entries while they are added, so two relays never add the same
   * batch), and it is why a conflict is not retried here: the loop simply drains again.
   */
  async drainOnce(): Promise<number> {
    const { database, producer } = this.opts;
    return dispatchPendingOutbox(database, { limit: this.batchSize, dispatch: (entries) => enqueueTraced(producer, entries) });
  }

  /** Asks the relay to look for work now instead of at its next poll. Never blocks the caller. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let dispatched = 0;
      try {
        dispatched = await this.drainOnce();
        if (this.failures > 0) this.opts.logger.info('outbox relay recovered', { afterFailures: this.failures });
        this.failures = 0;
      } catch (err) {
        this.failures++;
        if (this.failures === 1 || this.failures % 20 === 0) this.opts.logger.warn('outbox relay cannot dispatch; will retry', { error: (err as Error).message, failures: this.failures });
        await this.noteFailure(err as Error);
      }
      if (!this.running) break;
      if (dispatched >= this.batchSize && this.failures === 0) continue;
      if (this.failures > 0) {
        await this.sleep(Math.min(100 * 2 ** Math.min(this.failures, 10), this.maxBackoffMs), false);
        continue;
      }
      // Under load every stored event wakes the relay; a short pause lets entries gather into one
      // batch (one transaction, one addBulk) instead of a transaction per event.
      if (dispatched > 0) await this.sleep(this.coalesceMs, false);
      await this.sleep(this.pollIntervalMs, true);
    }
  }

  private async noteFailure(err: Error): Promise<void> {
    try {
      await transaction(this.opts.database, async (tx) => {
        const entries = await claimPendingOutbox(tx, Math.min(this.batchSize, 50));
        await recordOutboxFailure(tx, { ids: entries.map((e) => e.id), error: err.message });
      });
    } catch {
      // The database may be the part that is down; the next loop tries again.
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = wakeable ? done : () => undefined;
      if (!this.running) done();
    });
  }
}

/**
 * One addBulk for the batch, and for each entry whose work has a trace (its data's traceparent) a
 * producer span in that trace: the job's consumer span continues from it, so the trace goes on in
 * the worker. Entries without a trace (tracing off, older entries) get no span.
 */
async function enqueueTraced(producer: QueueProducer, entries: PendingOutboxEntry[]): Promise<void> {
  const spans = entries.map((e) =>
    startProducerSpan('outbox.relay enqueue', traceparentOfJobData(e.data), { 'messaging.destination.name': e.queue, 'switchyard.job_name': e.jobName, ...idAttributes(e.data) }),
  );
  try {
    await producer.enqueueRaw(entries.map((e, i) => ({ ...e, traceparent: spans[i]?.traceparent })));
    for (const span of spans) span.end();
  } catch (err) {
    for (const span of spans) span.end(err as Error);
    throw err;
  }
}

function idAttributes(data: unknown): Record<string, string> {
  const { eventId, effectId } = (data ?? {}) as { eventId?: unknown; effectId?: unknown };
  return { ...(typeof eventId === 'string' ? { 'switchyard.event_id': eventId } : {}), ...(typeof effectId === 'string' ? { 'switchyard.effect_id': effectId } : {}) };
}
