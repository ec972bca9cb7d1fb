import { markEffectFailed, markEventFailed, markEventProcessed, startProcessing, type Database, type PrismaClient } from '@switchyard/db';
import { canonicalEvent, type CanonicalEvent } from '@switchyard/domain';
import { PermanentError } from '@switchyard/errors';
import { withLogContext, type Logger } from '@switchyard/logger';
import { createQueueWorker, performEffectJob, processEventJob, type Handlers, type JobContext, type QueueName, type Redis } from '@switchyard/queues';
import { runEffect, type Performers } from './effect-runner';

export interface EventHandlerContext extends JobContext {
  /** Transitional: Prisma, for handlers not yet moved to `database`. */
  db: PrismaClient;
  /** The typed query layer (Core v2: replaces `db` once every handler uses it). */
  database: Database;
  logger: Logger;
  eventId: string;
  /**
   * For handlers that mark the event processed inside their own transaction (markEventProcessedFor,
   * savePaymentWithEffects): call it there, and the worker does not mark the event again afterwards.
   */
  eventProcessed?(): void;
}

/** What a worker app does with one canonical event; throw AppErrors to steer retries. */
export type EventHandler = (event: CanonicalEvent, ctx: EventHandlerContext) => Promise<void>;

export interface EventWorkerOptions<Q extends QueueName> {
  queue: Q;
  /** What the worker runs on. */
  database: Database;
  /** Transitional: Prisma on the same pool, handed to handlers and performers not yet moved to `database`. */
  db: PrismaClient;
  connection: Redis;
  prefix: string;
  concurrency: number;
  logger: Logger;
  handle: EventHandler;
  /** How this worker performs the effects routed to its queue, by effect kind. */
  performers?: Performers;
  /** An effect whose outcome stays unknown this long is parked for a person. */
  parkAfterMs?: number;
  lockDurationMs?: number;
  maxStalledCount?: number;
  /** Called after a job's transaction committed follow-up work (wake the outbox relay). */
  onCommitted?: () => void;
}

/**
 * Consumes a queue's two jobs. `process-event`: claims the stored event (a job for an event that
 * is already finished does nothing), runs the app's handler, records the outcome on the event.
 * `perform-effect`: performs one effect of the ledger at most once.
 */
export function createEventWorker<Q extends QueueName>(opts: EventWorkerOptions<Q>) {
  const { logger, database, db } = opts;
  const performers = opts.performers ?? {};
  const handlers = {
    [processEventJob[opts.queue]]: async ({ eventId }: { eventId: string }, ctx: JobContext) =>
      withLogContext({ correlationId: eventId, queue: opts.queue, jobId: ctx.job.id }, async () => {
        const claimed = await startProcessing(database, eventId);
        if (!claimed) {
          logger.debug('event already finished; nothing to do', { eventId });
          return;
        }
        const parsed = canonicalEvent.safeParse(claimed.canonical);
        if (!parsed.success) throw new PermanentError(`stored event ${eventId} has no valid canonical form: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'INVALID_CANONICAL_EVENT');
        let processed = false;
        await opts.handle(parsed.data, { ...ctx, db, database, logger, eventId, eventProcessed: () => (processed = true) });
        if (!processed) await markEventProcessed(database, eventId);
        opts.onCommitted?.();
      }),
    [performEffectJob[opts.queue]]: async ({ effectId }: { effectId: string }, ctx: JobContext) =>
      withLogContext({ correlationId: effectId, queue: opts.queue, jobId: ctx.job.id }, async () => {
        await runEffect(effectId, { db, database, logger }, { performers, parkAfterMs: opts.parkAfterMs ?? 120_000 });
      }),
  } as unknown as Handlers<Q>;

  const runtime = createQueueWorker({
    queue: opts.queue,
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    handlers,
    lockDurationMs: opts.lockDurationMs,
    maxStalledCount: opts.maxStalledCount,
    onDead: async (dead) => {
      const data = dead.data as { eventId?: string; effectId?: string };
      const reason = `${dead.error.kind}: ${dead.error.message}`;
      if (data.eventId) await markEventFailed(database, { eventId: data.eventId, error: reason, dead: true });
      if (data.effectId) await markEffectFailed(database, { effectId: data.effectId, error: reason });
      logger.error('job dead-lettered', { queue: dead.queue, jobId: dead.jobId, ...data, error: dead.error });
    },
    onError: (err) => logger.error('worker error', { error: err.message }),
  });
  runtime.worker.on('failed', (job, err) => {
    const eventId = (job?.data as { eventId?: string } | undefined)?.eventId;
    if (!job || !eventId || job.finishedOn) return;
    markEventFailed(database, { eventId, error: err.message, dead: false }).catch(() => undefined);
  });
  return runtime;
}
