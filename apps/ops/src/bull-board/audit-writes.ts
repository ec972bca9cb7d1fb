import type { RequestHandler } from 'express';
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

/**
 * One audit line per write action under Bull Board's API (retries, removals, pauses…): who did
 * it and what, with the answer's status. Mounted after authentication, inside the board's path.
 */
export function auditWrites(logger: Logger): RequestHandler {
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
      logger.info('ops action', { audit: true, who, ...what, status: res.statusCode, completed: res.writableFinished });
    });
    next();
  };
}
