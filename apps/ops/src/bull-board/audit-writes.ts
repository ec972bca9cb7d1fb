import type { RequestHandler } from 'express';
import { insertAuditEntry, type Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { opsUserOf } from '../auth/require-token';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Queue-wide actions put a verb, not a job id, after the queue name. */
const QUEUE_VERBS = new Set(['add', 'retry', 'promote', 'clean', 'pause', 'resume', 'concurrency', 'rate-limit', 'empty', 'obliterate', 'job-schedulers']);

/** `/api/queues/<queue>/<job id>/...` → the queue and job a Bull Board action touched. */
function targetOf(apiPath: string): { queue?: string; jobId?: string } {
  const m = /^\/api\/queues\/([^/]+)(?:\/([^/]+))?/.exec(apiPath);
  if (!m?.[1]) return {};
  const queue = decodeURIComponent(m[1]);
  const second = m[2] ? decodeURIComponent(m[2]) : undefined;
  return second && !QUEUE_VERBS.has(second) ? { queue, jobId: second } : { queue };
}

/** Queue-wide actions whose next path segment is a job state or a scheduler, not a verb of its own. */
const QUEUE_WIDE: Record<string, string> = { retry: 'retry-all', clean: 'clean-all', promote: 'promote-all', empty: 'empty', obliterate: 'obliterate' };

/**
 * The verb of a board action, for the audit entry's action name: `retry` (one job), `retry-all`
 * (the "Retry all" button, whatever state it names), `pause`, `clean-all`, `job-schedulers.remove`…
 * The job state a queue-wide action targets is in the entry's details, never its verb.
 */
function verbOf(apiPath: string, method: string): string {
  const [, , queue, second, third, fourth] = apiPath.split('/').filter(Boolean).map(decodeURIComponent);
  const fallback = method.toLowerCase();
  if (!queue) return fallback;
  // `/api/queues/pause` and `/api/queues/resume`: every queue at once.
  if (!second) return queue === 'pause' || queue === 'resume' ? `${queue}-all-queues` : fallback;
  if (QUEUE_VERBS.has(second)) {
    if (second === 'job-schedulers') return `job-schedulers.${fourth ?? fallback}`;
    if (second === 'rate-limit' && third) return `rate-limit.${third}`;
    return QUEUE_WIDE[second] ?? second;
  }
  return third ?? fallback;
}

/** `/api/queues/<queue>/retry/<state>`: the job state a queue-wide retry or clean acted on. */
function jobStateOf(apiPath: string): { jobState?: string } {
  const m = /^\/api\/queues\/[^/]+\/(?:retry|clean)\/([^/]+)$/.exec(apiPath);
  return m?.[1] ? { jobState: decodeURIComponent(m[1]) } : {};
}

/**
 * One audit line and one audit_entries row per write action under Bull Board's API (retries,
 * removals, pauses…): who did it and what, with the answer's status. Mounted after
 * authentication, inside the board's path. The board asks for no reason, so none is recorded.
 */
export function auditWrites(logger: Logger, db: Database): RequestHandler {
  return (req, res, next) => {
    if (!WRITES.has(req.method) || !req.path.startsWith('/api/')) {
      next();
      return;
    }
    const who = opsUserOf(res.locals);
    const path = req.originalUrl.split('?')[0];
    const what = { method: req.method, path, ...targetOf(req.path), ...jobStateOf(req.path) };
    // On close rather than finish, so an action whose client went away is recorded too.
    res.on('close', () => {
      const outcome = { status: res.statusCode, completed: res.writableFinished };
      logger.info('ops action', { audit: true, who, ...what, ...outcome });
      const target = what.jobId ? `${what.queue}/${what.jobId}` : (what.queue ?? path ?? req.originalUrl);
      insertAuditEntry(db, { actor: who, action: `bull_board.${verbOf(req.path, req.method)}`, target, details: { ...what, ...outcome } }).catch((err: Error) =>
        logger.error('ops action not written to the audit table', { who, ...what, error: err.message }),
      );
    });
    next();
  };
}
