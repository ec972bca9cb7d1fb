import type { RequestHandler } from 'express';
import { insertAuditEntry, type Db } from '@switchyard/db';
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

/** `retry`, `remove`, `pause`…: the verb of a board action, for the audit entry's action name. */
function verbOf(apiPath: string, method: string): string {
  const last = apiPath.split('/').filter(Boolean).at(-1);
  const target = targetOf(apiPath);
  const isId = last !== undefined && (last === target.jobId || last === target.queue);
  return isId || !last ? method.toLowerCase() : decodeURIComponent(last);
}

/**
 * One audit line and one audit_entries row per write action under Bull Board's API (retries,
 * removals, pauses…): who did it and what, with the answer's status. Mounted after
 * authentication, inside the board's path. The board asks for no reason, so none is recorded.
 */
export function auditWrites(logger: Logger, db: Db): RequestHandler {
  return (req, res, next) => {
    if (!WRITES.has(req.method) || !req.path.startsWith('/api/')) {
      next();
      return;
    }
    const who = opsUserOf(res.locals);
    const path = req.originalUrl.split('?')[0];
    const what = { method: req.method, path, ...targetOf(req.path) };
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
