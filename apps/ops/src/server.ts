import express, { type ErrorRequestHandler, type Express } from 'express';
import type { PrismaClient } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { Redis } from '@switchyard/queues';
import { requireToken } from './auth/require-token';
import { mountBullBoard } from './bull-board/mount-bull-board';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';

export interface OpsDeps {
  db: PrismaClient;
  /** Shared by the board's queue handles and the readiness check. */
  redis: Redis;
  /** BullMQ key prefix the workers use (QUEUE_PREFIX). */
  prefix: string;
  /** OPS_TOKEN; never empty (env.ts refuses to start without one). */
  token: string;
  logger: Logger;
}

export function createServer(deps: OpsDeps): Express {
  if (deps.token.length < 16) throw new Error('OPS_TOKEN is required: the ops console never runs without authentication');
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use(healthRoutes(deps.db, deps.redis));
  mountBullBoard(app, deps);
  app.use('/api', requireToken({ token: deps.token, logger: deps.logger, allowBasic: false }));
  app.use(eventRoutes(deps.db));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
  });
  const onError: ErrorRequestHandler = (err: Error, req, res, _next) => {
    deps.logger.error('ops request failed', { method: req.method, path: req.originalUrl.split('?')[0], error: err.message });
    if (res.headersSent) return;
    res.status(500).json({ error: 'internal', message: 'the request failed; see the ops log' });
  };
  app.use(onError);
  return app;
}
