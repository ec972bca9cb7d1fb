import { createEffectLedger, createEventClaimer, markEffectFailed, markEventFailed, markEventProcessed, type Database } from '@switchyard/db';
import { canonicalEvent, type CanonicalOf, type CanonicalType, type EventTypesOf } from '@switchyard/domain';
import { PermanentError } from '@switchyard/errors';
import { withLogContext, type Logger } from '@switchyard/logger';
import { annotateActiveSpan, withSpan } from '@switchyard/telemetry';
import { createQueueWorker, workerJobHandlers, type JobContext, type QueueName, type Redis } from '@switchyard/queues';
import { runEffect } from './effect-runner';
import type { Performers } from './performer';

export interface EventHandlerContext extends JobContext {
  db: Database;
  logger: Logger;
  eventId: string;
  /**
   * For handlers that mark the event processed inside their own transaction (markEventProcessedFor,
   * savePaymentWithEffects): call it there, and the worker does not mark the event again afterwards.
   */
  eventProcessed?(): void;
}

/**
 * What a worker app does with one canonical event of type T; throw AppErrors to steer retries.
 * (Declared as a method so that a map of handlers, each for its own type, can be looked up by a
 * type known only at run time.)
 */
export type EventHandler<T extends CanonicalType> = { handle(event: CanonicalOf<T>, ctx: EventHandlerContext): Promise<void> }['handle'];

/** A worker's event map: one handler for every canonical type routed to its queue (a missing one is a compile error). */
export type EventHandlers<Q extends QueueName> = { [T in EventTypesOf<Q>]: EventHandler<T> };

/** Handlers by type, any subset: what the worker looks a stored event's handler up in. */
type EventHandlerTable = { [T in CanonicalType]?: EventHandler<CanonicalType> };

export interface EventWorkerOptions<Q extends QueueName> {
  queue: Q;
  /** What the worker runs on. */
  db: Database;
  connection: Redis;
  prefix: string;
  concurrency: number;
  logger: Logger;
  /** What this worker does with each canonical event type routed to its queue. */
  events: EventHandlers<Q>;
  /** How this worker performs the effects the catalog puts on its queue, by effect kind. */
  performers: Performers<Q>;
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
  const { logger, db } = opts;
  const { performers } = opts;
  const events: EventHandlerTable = opts.events;
  // One per worker: its concurrent jobs' reads and writes of the ledger share statements.
  const ledger = createEffectLedger(db);
  const claimEvent = createEventClaimer(db);
  const handlers = workerJobHandlers(opts.queue, {
    processEvent: async ({ eventId }, ctx) =>
      withLogContext({ correlationId: eventId, queue: opts.queue, jobId: ctx.job.id }, async () => {
        const claimed = await claimEvent(eventId);
        if (!claimed) {
          logger.debug('event already finished; nothing to do', { eventId });
          return;
        }
        const parsed = canonicalEvent.safeParse(claimed.canonical);
        if (!parsed.success) throw new PermanentError(`stored event ${eventId} has no valid canonical form: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'INVALID_CANONICAL_EVENT');
        let processed = false;
        const event = parsed.data;
        const handler = events[event.type];
        const attributes = { 'switchyard.event_id': eventId, 'switchyard.event_type': event.type, 'switchyard.provider': event.provider };
        annotateActiveSpan(attributes);
        // The domain apply: the effects it plans store this span as their trace (recordPlans).
        await withSpan(`apply ${event.type}`, { attributes }, async () => {
          if (handler) await handler(event, { ...ctx, db, logger, eventId, eventProcessed: () => (processed = true) });
          else logger.warn('event type is not routed to this queue; recorded only', { type: event.type, queue: opts.queue });
          if (!processed) await markEventProcessed(db, eventId);
        });
        opts.onCommitted?.();
      }),
    performEffect: async ({ effectId }, ctx) =>
      withLogContext({ correlationId: effectId, queue: opts.queue, jobId: ctx.job.id }, async () => {
        annotateActiveSpan({ 'switchyard.effect_id': effectId });
        await withSpan('perform effect', { attributes: { 'switchyard.effect_id': effectId } }, () => runEffect(effectId, { db, logger, ledger }, { performers, parkAfterMs: opts.parkAfterMs ?? 120_000 }));
      }),
  });

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
      if (data.eventId) await markEventFailed(db, { eventId: data.eventId, error: reason, dead: true });
      if (data.effectId) await markEffectFailed(db, { effectId: data.effectId, error: reason });
      logger.error('job dead-lettered', { queue: dead.queue, jobId: dead.jobId, ...data, error: dead.error });
    },
    onError: (err) => logger.error('worker error', { error: err.message }),
  });
  runtime.worker.on('failed', (job, err) => {
    const eventId = (job?.data as { eventId?: string } | undefined)?.eventId;
    if (!job || !eventId || job.finishedOn) return;
    markEventFailed(db, { eventId, error: err.message, dead: false }).catch(() => undefined);
  });
  return runtime;
}
