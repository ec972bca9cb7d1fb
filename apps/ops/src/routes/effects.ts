import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  addEffectResendToOutbox,
  closeAttention,
  countAuditEntries,
  insertAuditEntry,
  listEffectsByStatus,
  opsEffectStatuses,
  resolveParkedEffect,
  transaction,
  type Database,
} from '@switchyard/db';
import { redact } from '@switchyard/logger';
import { effectResendJobId, performEffectJob, type QueueName } from '@switchyard/queues';
import { opsUserOf } from '../auth/require-token';
import { isUuid } from '../events/event-cursor';
import { dispatchAfterCommit } from '../queues/dispatch-after-commit';
import { OpsQueues } from '../queues/ops-queues';
import { limit, parseRequest, reason, unknownKeys } from '../validation/parse-request';
import { requireRole } from '../auth/roles';

export const EFFECT_RESOLVE_ACTION = 'effect.resolve';
const outcomes = ['sent', 'resend'] as const;

const listQuery = z.strictObject(
  {
    status: z.enum(opsEffectStatuses, { error: (issue) => `"${String(issue.input)}" is not an effect status (one of: ${opsEffectStatuses.join(', ')})` }).default('parked'),
    limit: limit(50, 200),
  },
  unknownKeys('parameter'),
);

const resolveBody = z.strictObject(
  {
    outcome: z.enum(outcomes, { error: (issue) => `${issue.input === undefined ? 'is required' : `"${String(issue.input)}" is not an outcome`}: "sent" (the customer got it) or "resend" (send it again)` }),
    reason,
  },
  unknownKeys('field'),
);

class ResolveRefused extends Error {}

/**
 * `GET /api/effects?status=parked` and `POST /api/effects/:id/resolve {outcome, reason}`: a person
 * decides what happened to an effect whose outcome is unknown.
 */
export function effectRoutes(db: Database, queues: OpsQueues): Router {
  const router = Router();

  router.get('/api/effects', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(listQuery, req.query, res, 'query');
    if (!query) return;
    const rows = await listEffectsByStatus(db, { status: query.status, limit: query.limit });
    res.json({ items: rows.map((e) => ({ ...e, request: redact(e.request) })) });
  });

  router.post('/api/effects/:id/resolve', requireRole('operator'), async (req: Request<{ id: string }>, res) => {
    const body = parseRequest(resolveBody, req.body, res, 'body');
    if (!body) return;
    const { id } = req.params;
    const actor = opsUserOf(res.locals);
    if (!isUuid(id)) {
      res.status(404).json({ error: 'not_found', message: `no effect with id "${id}"` });
      return;
    }
    try {
      // The status change, its audit entry and (for resend) the job stand or fall together: the job
      // is an outbox entry in the same transaction, added to Redis right after the commit (or by a
      // worker's relay if Redis refuses now). A job added inside the transaction could run before
      // the commit, find the effect still parked and do nothing.
      let dispatch: { queueName: QueueName; jobName: string; jobId: string; entryId: string } | undefined;
      const result = await transaction(db, async (tx) => {
        dispatch = undefined; // a run lost to a conflict is run again from the start
        const outcome = await resolveParkedEffect(tx, { id, outcome: body.outcome });
        if (!outcome.ok) return outcome;
        const effect = outcome.row;
        // The person decided: the "outcome unknown" item the park raised is closed with the decision.
        await closeAttention(tx, { kind: 'effect_outcome_unknown', entityType: 'effect', entityKey: id, by: actor, resolution: `${body.outcome}: ${body.reason}` });
        let jobId: string | null = null;
        if (body.outcome === 'resend') {
          if (!OpsQueues.isQueueName(effect.queue)) throw new ResolveRefused(`effect "${id}" names queue "${effect.queue}", which is not in the registry`);
          const jobName = performEffectJob[effect.queue];
          const queue = queues.get(effect.queue);
          let n = await countAuditEntries(tx, { action: EFFECT_RESOLVE_ACTION, key: 'resendOf', value: id });
          while (await queue.getJob(effectResendJobId(effect.queue, id, n))) n += 1;
          jobId = effectResendJobId(effect.queue, id, n);
          await insertAuditEntry(tx, { actor, action: EFFECT_RESOLVE_ACTION, target: id, reason: body.reason, details: { outcome: body.outcome, kind: effect.kind, queue: effect.queue, jobId, resendOf: id } });
          const entryId = await addEffectResendToOutbox(tx, { effectId: id, eventId: effect.eventId, queue: effect.queue, jobName, jobId });
          dispatch = { queueName: effect.queue, jobName, jobId, entryId };
        } else {
          await insertAuditEntry(tx, { actor, action: EFFECT_RESOLVE_ACTION, target: id, reason: body.reason, details: { outcome: body.outcome, kind: effect.kind, queue: effect.queue } });
        }
        return { ok: true as const, row: effect, jobId };
      });
      if (result.ok && dispatch) await dispatchAfterCommit(db, queues, { ...dispatch, data: { effectId: id } });
      if (!result.ok) {
        if (result.reason === 'not_found') res.status(404).json({ error: 'not_found', message: `no effect with id "${id}"` });
        else res.status(409).json({ error: 'not_parked', message: `effect "${id}" is ${result.current ?? 'not parked'}; only parked effects are resolved here` });
        return;
      }
      res.json({ effect: { ...result.row, request: redact(result.row.request) }, outcome: body.outcome, jobId: result.jobId });
    } catch (err) {
      if (!(err instanceof ResolveRefused)) throw err;
      res.status(409).json({ error: 'not_resendable', message: err.message });
    }
  });

  return router;
}
