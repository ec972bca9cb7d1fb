import { randomUUID } from 'node:crypto';
import { countAuditEntries, effectSummaries, Enums, eventSummaries, insertAuditEntry, requeueDeadEvent, requeueFailedEffect, type Database } from '@switchyard/db';
import { jobOptions, lookupJob, redriveJobId, rootJobId, type Redis } from '@switchyard/queues';
import { currentTraceparent, jobTelemetryOptions, linkTo, traceparentOfJobData, withSpan } from '@switchyard/telemetry';
import { OpsQueues } from '../queues/ops-queues';
import type { DeadLetterEntry } from './dead-letter';
import { findDeadLetter } from './list-dead-letters';

export const REDRIVE_ACTION = 'dead_letter.retry';

export interface RedriveDeps {
  db: Database;
  redis: Redis;
  queues: OpsQueues;
}

export type RedriveResult =
  | { ok: true; id: string; jobId: string; mode: 'retried' | 're-added' }
  | { ok: false; id: string; status: 'not_found' | 'conflict' | 'skipped'; reason: string };

/** Effect and event states with nothing left to do: re-running their job would change nothing. */
const FINISHED_EFFECT = new Set<Enums.EffectStatus>([Enums.EffectStatus.done, Enums.EffectStatus.skipped]);
const FINISHED_EVENT = new Set<Enums.EventStatus>([Enums.EventStatus.processed, Enums.EventStatus.ignored]);

/** States in which the original job will run anyway: re-driving would only race it. */
const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused']);
const LOCK_MS = 60_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Re-drives one dead letter: the inbound event dead → queued or the effect failed → pending, then
 * the original failed job is retried in place (same id, attempts reset) or, if it was trimmed,
 * added again as `<job id>.r<n>`; then the DLQ entry is removed and the re-drive audited.
 *
 * A per-entry lock in Redis makes concurrent re-drives of one entry run one at a time; the second
 * then finds no entry, so no second job is ever created.
 */
export async function redriveDeadLetter(deps: RedriveDeps, id: string, actor: string, reason: string): Promise<RedriveResult> {
  const lockKey = `${deps.queues.prefix}:ops:redrive-lock:${id}`;
  const token = randomUUID();
  if ((await deps.redis.set(lockKey, token, 'PX', LOCK_MS, 'NX')) !== 'OK') {
    return { ok: false, id, status: 'conflict', reason: 'another re-drive of this dead letter is in progress' };
  }
  try {
    return await withSpan('redrive dead letter', { attributes: { 'switchyard.dead_letter_id': id } }, (span) =>
      redriveLocked(deps, id, actor, reason, (entry) => {
        // A re-drive is new work about old work: its span links to the trace the job came from.
        span.addLinks(linkTo(traceparentOfJobData(entry.data), { 'switchyard.redrive': true }));
        span.setAttributes({ 'messaging.destination.name': entry.queue, ...(entry.eventId ? { 'switchyard.event_id': entry.eventId } : {}), ...(entry.effectId ? { 'switchyard.effect_id': entry.effectId } : {}) });
      }),
    );
  } finally {
    await deps.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
  }
}

async function redriveLocked({ db, queues }: RedriveDeps, id: string, actor: string, reason: string, found: (entry: DeadLetterEntry) => void): Promise<RedriveResult> {
  const entry = await findDeadLetter(queues, id);
  if (!entry) return { ok: false, id, status: 'not_found', reason: `no dead letter with id "${id}" (already re-driven or removed)` };
  if (entry === 'malformed') return { ok: false, id, status: 'conflict', reason: 'not a dead letter written by a Switchyard worker; inspect it in Bull Board' };
  found(entry);
  if (!OpsQueues.isQueueName(entry.queue)) return { ok: false, id, status: 'conflict', reason: `queue "${entry.queue}" is not in the registry` };

  let def: ReturnType<typeof lookupJob>;
  try {
    def = lookupJob(entry.queue, entry.jobName);
  } catch {
    return { ok: false, id, status: 'conflict', reason: `job "${entry.jobName}" is no longer in the registry of queue "${entry.queue}"` };
  }
  const data = def.schema.safeParse(entry.data);
  if (!data.success) return { ok: false, id, status: 'conflict', reason: `its payload no longer matches ${entry.jobName}: ${data.error.issues[0]?.message ?? 'invalid'}` };

  const finished = await alreadyFinished(db, entry);
  if (finished) return { ok: false, id, status: 'skipped', reason: finished };

  const queue = queues.get(entry.queue);
  const original = await queue.getJob(entry.jobId);
  const state = original ? await original.getState() : 'missing';
  if (PENDING_STATES.has(state)) return { ok: false, id, status: 'conflict', reason: `the original job ${entry.jobId} is already ${state}` };

  // failed → pending is the claim: if it does not apply while the effect exists, someone re-ran the
  // effect since it failed (the console's effect retry adds a job of its own id), and retrying this
  // dead job as well would run it twice.
  const effectRequeued = entry.effectId ? await requeueFailedEffect(db, entry.effectId) : false;
  if (entry.effectId && !effectRequeued) {
    const effect = (await effectSummaries(db, [entry.effectId])).get(entry.effectId);
    if (effect) return { ok: false, id, status: 'conflict', reason: `effect ${effect.id} (${effect.kind}) is ${effect.status}, no longer failed: it was re-run since this job died` };
  }
  const eventRequeued = entry.eventId ? await requeueDeadEvent(db, entry.eventId) : false;

  // Re-drives of a re-added job count against the job it came from, so ids stay `<root>.r<n>`.
  const root = rootJobId(entry.jobId);
  let jobId: string;
  let mode: 'retried' | 're-added';
  if (original && state === 'failed') {
    try {
      // Atomic in Redis: fails if someone (Bull Board) retried it since we looked.
      await original.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (err) {
      return { ok: false, id, status: 'conflict', reason: `the original job ${entry.jobId} could not be retried: ${(err as Error).message}` };
    }
    jobId = entry.jobId;
    mode = 'retried';
  } else {
    // Trimmed (or completed since): a new job, since BullMQ ignores an add with an existing id.
    let n = await countAuditEntries(db, { action: REDRIVE_ACTION, key: 'rootJobId', value: root });
    while (await queue.getJob(redriveJobId(root, n))) n += 1;
    jobId = redriveJobId(root, n);
    // The new job's consumer span continues the re-drive's trace (which links to the original).
    await queue.add(entry.jobName, data.data, { ...jobOptions(def, jobId), ...jobTelemetryOptions(currentTraceparent()) });
    mode = 're-added';
  }

  await queues.get(entry.deadLetterQueue).remove(id);
  await insertAuditEntry(db, {
    actor,
    action: REDRIVE_ACTION,
    target: id,
    reason,
    details: {
      queue: entry.queue,
      jobName: entry.jobName,
      jobId: entry.jobId,
      rootJobId: root,
      newJobId: jobId,
      mode,
      eventId: entry.eventId,
      effectId: entry.effectId,
      eventRequeued,
      effectRequeued,
      error: entry.error,
    },
  });
  return { ok: true, id, jobId, mode };
}

/** Why a dead letter needs no re-drive: its effect or event finished since (another run, a manual resolution). */
async function alreadyFinished(db: Database, entry: { effectId: string | null; eventId: string | null }): Promise<string | null> {
  if (entry.effectId) {
    const effect = (await effectSummaries(db, [entry.effectId])).get(entry.effectId);
    if (effect && FINISHED_EFFECT.has(effect.status)) return `effect ${effect.id} (${effect.kind}) is already ${effect.status}; re-running it would change nothing`;
  }
  if (entry.eventId) {
    const event = (await eventSummaries(db, [entry.eventId])).get(entry.eventId);
    if (event && FINISHED_EVENT.has(event.status)) return `event ${event.id} (${event.provider} ${event.type}) is already ${event.status}; re-running it would change nothing`;
  }
  return null;
}
