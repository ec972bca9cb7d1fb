import { Router } from 'express';
import type { Db } from '@switchyard/db';
import type { Redis } from '@switchyard/queues';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

/** Liveness, and readiness = Postgres and Redis both answer. Unauthenticated, for probes. */
export function healthRoutes(db: Db, redis: Redis): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [postgres, redisState] = await Promise.all([
      withTimeout(db.$queryRawUnsafe('SELECT 1'), 2000).then(() => 'ok', (e: Error) => `down: ${e.message}`),
      withTimeout(redis.ping(), 2000).then(() => 'ok', (e: Error) => `down: ${e.message}`),
    ]);
    const ready = postgres === 'ok' && redisState === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, redis: redisState });
  });

  return router;
}
