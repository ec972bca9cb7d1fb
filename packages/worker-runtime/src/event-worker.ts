import { markEventFailed, markEventProcessed, startProcessing, type PrismaClient } from '@switchyard/db';
import { canonicalEvent, type CanonicalEvent } from '@switchyard/domain';
import { PermanentError } from '@switchyard/errors';
import { withLogContext, type Logger } from '@switchyard/logger';
import { createQueueWorker, processEventJob, type Handlers, type JobContext, type QueueName, type Redis } from '@switchyard/queues';

export interface EventHandlerContext extends JobContext {
  db: PrismaClient;
  logger: Logger;
  eventId: string;
}

/** What a worker app does with one canonical event; throw AppErrors to steer retries. */
export type EventHandler = (event: CanonicalEvent, ctx: EventHandlerContext) => Promise<void>;

export interface EventWorkerOptions<Q extends QueueName> {
  queue: Q;
  db: PrismaClient;
  connection: Redis;
  prefix: string;
  concurrency: number;
  logger: Logger;
  handle: EventHandler;
}

/**
 * Consumes a queue's process-event jobs: claims the stored event (a job for an event that is
 * already finished does nothing, so re-deliveries are harmless), runs the app's handler, and
 * records the outcome on the event: processed, failed (will retry) or dead.
 */
export function createEventWorker<Q extends QueueName>(opts: EventWorkerOptions<Q>) {
  const { db, logger } = opts;
  const handlers = {
    [processEventJob[opts.queue]]: async ({ eventId }: { eventId: string }, ctx: JobContext) =>
      withLogContext({ correlationId: eventId, queue: opts.queue, jobId: ctx.job.id }, async () => {
        const claimed = await startProcessing(db, eventId);
        if (!claimed) {
          logger.debug('event already finished; nothing to do', { eventId });
          return;
        }
        const parsed = canonicalEvent.safeParse(claimed.canonical);
        if (!parsed.success) throw new PermanentError(`stored event ${eventId} has no valid canonical form: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'INVALID_CANONICAL_EVENT');
        await opts.handle(parsed.data, { ...ctx, db, logger, eventId });
        await markEventProcessed(db, eventId);
      }),
  } as unknown as Handlers<Q>;

  const runtime = createQueueWorker({
    queue: opts.queue,
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    handlers,
    onDead: async (dead) => {
      const eventId = (dead.data as { eventId?: string }).eventId;
      if (eventId) await markEventFailed(db, eventId, `${dead.error.kind}: ${dead.error.message}`, true);
      logger.error('job dead-lettered', { queue: dead.queue, jobId: dead.jobId, eventId, error: dead.error });
    },
    onError: (err) => logger.error('worker error', { error: err.message }),
  });
  runtime.worker.on('failed', (job, err) => {
    const eventId = (job?.data as { eventId?: string } | undefined)?.eventId;
    if (!job || !eventId || job.finishedOn) return;
    markEventFailed(db, eventId, err.message, false).catch(() => undefined);
  });
  return runtime;
}
