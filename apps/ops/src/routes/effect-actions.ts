import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { addEffectResendToOutbox, closeAttention, countAuditEntries, insertAuditEntry, retryFailedEffect, skipEffect, transaction, type Database, type EffectDecision } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { effectRetryJobId, performEffectJob } from '@switchyard/queues';
import { opsUserOf } from '../auth/require-token';
import { requireRole } from '../auth/roles';
import { listDeadLetters } from '../dead-letters/list-dead-letters';
import { isUuid } from '../events/event-cursor';
import { dispatchAfterCommit, type CommittedJob } from '../queues/dispatch-after-commit';
import { OpsQueues } from '../queues/ops-queues';
import { parseRequest, reason, unknownKeys } from '../validation/parse-request';

export const EFFECT_RETRY_ACTION = 'effect.retry';
export const EFFECT_SKIP_ACTION = 'effect.skip';

const reasonBody = z.strictObject({ reason }, unknownKeys('field'));

class RetryRefused extends Error {}

export interface EffectActionDeps {
  db: Database;
  queues: OpsQueues;
  logger: Logger;
}

function notFound(res: Response, id: string): void {
  res.status(404).json({ error: 'not_found', message: `no effect with id "${id}"` });
}

/** The effect's dead letters (any job of it that failed for good) are removed: the person has dealt with it. */
async function removeDeadLettersOf(deps: EffectActionDeps, effect: { id: string; queue: string }): Promise<void> {
  if (!OpsQueues.isQueueName(effect.queue)) return;
  const entries = await listDeadLetters(deps.queues, { queue: effect.queue }, Number.MAX_SAFE_INTEGER);
  for (const entry of entries.filter((e) => e.effectId === effect.id)) await deps.queues.get(entry.deadLetterQueue).remove(entry.id);
}

/**
 * `POST /api/effects/:id/retry {reason}` (a failed effect runs again, once) and
 * `POST /api/effects/:id/skip {reason}` (a pending, parked or failed effect never runs).
 */
export function effectActionRoutes(deps: EffectActionDeps): Router {
  const { db, queues } = deps;
  const router = Router();

  router.post('/api/effects/:id/retry', requireRole('operator'), async (req: Request<{ id: string }>, res) => {
    const body = parseRequest(reasonBody, req.body, res, 'body');
    if (!body) return;
    const { id } = req.params;
    if (!isUuid(id)) return notFound(res, id);
    const actor = opsUserOf(res.locals);
    // failed → pending under the row's lock, the audit entry and the job's outbox entry commit
    // together; the job is added to Redis after the commit. Two people at once: the second finds
    // the effect pending and gets 409, so one retry makes one job.
    let job: CommittedJob | undefined;
    let result: EffectDecision;
    try {
      result = await transaction(db, async (tx) => {
        job = undefined; // a run lost to a conflict is run again from the start
        const decision = await retryFailedEffect(tx, id);
        if (!decision.ok) return decision;
        const effect = decision.row;
        if (!OpsQueues.isQueueName(effect.queue)) throw new RetryRefused(`effect "${id}" names queue "${effect.queue}", which is not in the registry`);
        // Retries are numbered by the audit trail, written in this same transaction: the n-th retry's
        // job id is fixed, so the outbox relay re-adding it cannot make a second job.
        const n = await countAuditEntries(tx, { action: EFFECT_RETRY_ACTION, key: 'retryOf', value: id });
        const jobName = performEffectJob[effect.queue];
        const jobId = effectRetryJobId(effect.queue, id, n);
        await insertAuditEntry(tx, { actor, action: EFFECT_RETRY_ACTION, target: id, reason: body.reason, details: { kind: effect.kind, queue: effect.queue, jobId, retryOf: id } });
        const entryId = await addEffectResendToOutbox(tx, { effectId: id, eventId: effect.eventId, queue: effect.queue, jobName, jobId });
        job = { queueName: effect.queue, jobName, jobId, entryId, data: { effectId: id } };
        return decision;
      });
    } catch (err) {
      if (!(err instanceof RetryRefused)) throw err;
      res.status(409).json({ error: 'not_retryable', message: err.message });
      return;
    }
    if (!result.ok) {
      if (result.reason === 'not_found') return notFound(res, id);
      res.status(409).json({ error: 'not_failed', message: `effect "${id}" is ${result.current ?? 'not failed'}; only failed effects are retried` });
      return;
    }
    if (job) {
      await dispatchAfterCommit(db, queues, job);
      await removeDeadLettersOf(deps, result.row).catch((err: Error) => deps.logger.warn('dead letters of a retried effect not removed', { effectId: id, error: err.message }));
    }
    res.status(202).json({ effect: { id, status: result.row.status }, jobId: job?.jobId ?? null });
  });

  router.post('/api/effects/:id/skip', requireRole('operator'), async (req: Request<{ id: string }>, res) => {
    const body = parseRequest(reasonBody, req.body, res, 'body');
    if (!body) return;
    const { id } = req.params;
    if (!isUuid(id)) return notFound(res, id);
    const actor = opsUserOf(res.locals);
    const result = await transaction(db, async (tx) => {
      const decision = await skipEffect(tx, id);
      if (!decision.ok) return decision;
      const effect = decision.row;
      // A parked send's "outcome unknown" item is closed by the decision, as a resolve closes it.
      await closeAttention(tx, { kind: 'effect_outcome_unknown', entityType: 'effect', entityKey: id, by: actor, resolution: `skipped: ${body.reason}` });
      await insertAuditEntry(tx, { actor, action: EFFECT_SKIP_ACTION, target: id, reason: body.reason, details: { kind: effect.kind, queue: effect.queue, from: effect.previousStatus } });
      return decision;
    });
    if (!result.ok) {
      if (result.reason === 'not_found') return notFound(res, id);
      res.status(409).json({ error: 'not_skippable', message: `effect "${id}" is ${result.current ?? 'settled'}; only pending, parked or failed effects are skipped` });
      return;
    }
    if (result.row.previousStatus === 'failed') {
      await removeDeadLettersOf(deps, result.row).catch((err: Error) => deps.logger.warn('dead letters of a skipped effect not removed', { effectId: id, error: err.message }));
    }
    res.json({ effect: { id, status: result.row.status } });
  });

  return router;
}
