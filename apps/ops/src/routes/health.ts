import { Router } from 'express';
import { poolOfDatabase, readiness, type Database } from '@switchyard/db';
import type { Redis } from '@switchyard/queues';

/** Liveness, and readiness = Postgres and Redis both answer. Unauthenticated, for probes. */
export function healthRoutes(db: Database, redis: Redis): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const { ready, postgres, redis: redisState } = await readiness(poolOfDatabase(db), redis);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, redis: redisState });
  });

  return router;
}
