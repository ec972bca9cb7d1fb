import { Router, type Request } from 'express';
import { effectSummaries, eventSummaries, type Database } from '@switchyard/db';
import { redact, type Logger } from '@switchyard/logger';
import type { Redis } from '@switchyard/queues';
import { opsUserOf } from '../auth/require-token';
import { bulkRetrySchema, deadLetterQuerySchema, retryOneSchema } from '../dead-letters/dead-letter-query';
import type { DeadLetterEntry } from '../dead-letters/dead-letter';
import { listDeadLetters } from '../dead-letters/list-dead-letters';
import { matchingDeadLetters } from '../dead-letters/matching-dead-letters';
import { redriveDeadLetter } from '../dead-letters/redrive';
import type { OpsQueues } from '../queues/ops-queues';
import { parseRequest } from '../validation/parse-request';
import { requireRole } from '../auth/roles';

export interface DeadLetterRouteDeps {
  db: Database;
  redis: Redis;
  queues: OpsQueues;
  logger: Logger;
}

async function present(db: Database, entries: DeadLetterEntry[]) {
  const [events, effects] = await Promise.all([
    eventSummaries(db, [...new Set(entries.map((e) => e.eventId).filter((id): id is string => !!id))]),
    effectSummaries(db, [...new Set(entries.map((e) => e.effectId).filter((id): id is string => !!id))]),
  ]);
  return entries.map((e) => {
    const effect = e.effectId ? effects.get(e.effectId) : undefined;
    return {
      id: e.id,
      queue: e.queue,
      jobId: e.jobId,
      jobName: e.jobName,
      // Job data is ours ({eventId} / {effectId}) but a hand-added job may carry anything.
      payload: redact(e.data),
      event: (e.eventId && events.get(e.eventId)) || null,
      effect: effect ? { id: effect.id, kind: effect.kind, status: effect.status } : null,
      attemptsMade: e.attemptsMade,
      error: e.error,
      errors: e.errors,
      failedAt: e.failedAt,
    };
  });
}

/**
 * `GET /api/dead-letters`, `POST /api/dead-letters/:id/retry`, `POST /api/dead-letters/retry` (bulk, by
 * queue, provider, error kind and code, time; `dryRun: true` answers how many match and changes nothing).
 */
export function deadLetterRoutes(deps: DeadLetterRouteDeps): Router {
  const router = Router();

  router.get('/api/dead-letters', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(deadLetterQuerySchema, req.query, res, 'query');
    if (!query) return;
    const { limit, ...filter } = query;
    const entries = await listDeadLetters(deps.queues, filter, limit);
    res.json({ items: await present(deps.db, entries) });
  });

  router.post('/api/dead-letters/retry', requireRole('operator'), async (req, res) => {
    const body = parseRequest(bulkRetrySchema, req.body, res, 'body');
    if (!body) return;
    const { total, entries } = await matchingDeadLetters(deps.db, deps.queues, body.filter, body.limit);
    if (body.dryRun) {
      // What "retry all" would pick, before a person commits to it; some may still be skipped then.
      res.json({ dryRun: true, matching: total, wouldRetry: entries.length, sample: await present(deps.db, entries.slice(0, 10)) });
      return;
    }
    const actor = opsUserOf(res.locals);
    // The schema requires a reason unless dryRun.
    const reason = body.reason ?? '';
    const retried: string[] = [];
    const skipped: { id: string; reason: string }[] = [];
    // One at a time: each re-drive is a handful of round trips, and order keeps the audit readable.
    for (const entry of entries) {
      const result = await redriveDeadLetter(deps, entry.id, actor, reason);
      if (result.ok) retried.push(result.id);
      else skipped.push({ id: result.id, reason: result.reason });
    }
    deps.logger.info('dead letters re-driven', { audit: true, who: actor, retried: retried.length, skipped: skipped.length, filter: body.filter });
    res.json({ retried, skipped });
  });

  router.post('/api/dead-letters/:id/retry', requireRole('operator'), async (req: Request<{ id: string }>, res) => {
    const body = parseRequest(retryOneSchema, req.body, res, 'body');
    if (!body) return;
    const actor = opsUserOf(res.locals);
    const result = await redriveDeadLetter(deps, req.params.id, actor, body.reason);
    if (!result.ok && result.status === 'skipped') {
      deps.logger.info('dead letter not re-driven', { audit: true, who: actor, id: result.id, reason: result.reason });
      res.json({ retried: [], skipped: [{ id: result.id, reason: result.reason }] });
      return;
    }
    if (!result.ok) {
      res.status(result.status === 'not_found' ? 404 : 409).json({ error: result.status, message: result.reason });
      return;
    }
    deps.logger.info('dead letter re-driven', { audit: true, who: actor, id: result.id, jobId: result.jobId, mode: result.mode });
    res.json({ retried: [result.id], skipped: [] });
  });

  return router;
}
