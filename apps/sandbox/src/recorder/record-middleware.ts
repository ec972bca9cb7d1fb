import type { RequestHandler } from 'express';
import type { Clock } from '../support/clock';
import { redactHeaders, type RequestLog } from './request-log';

/** Records the request on arrival and completes the entry with the status (or the fault) when it ends. */
export function recordMiddleware(log: RequestLog, clock: Clock): RequestHandler {
  return (req, res, next) => {
    const started = clock.now();
    const entry = log.add({
      time: new Date(started).toISOString(),
      provider: (res.locals.provider as string | undefined) ?? 'unknown',
      method: req.method,
      path: req.path,
      query: { ...(req.query as Record<string, unknown>) },
      headers: redactHeaders(req.headers),
      body: req.body ?? (res.locals.rawBody as string | undefined) ?? null,
      status: null,
    });
    res.locals.recorded = entry;
    let done = false;
    const finish = (answered: boolean) => {
      if (done) return;
      done = true;
      entry.status = answered ? res.statusCode : null;
      entry.durationMs = clock.now() - started;
      if (res.locals.fault) entry.fault = res.locals.fault as string;
    };
    res.on('finish', () => finish(true));
    res.on('close', () => finish(res.writableFinished));
    next();
  };
}
