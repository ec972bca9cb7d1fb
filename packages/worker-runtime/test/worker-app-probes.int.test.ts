import { createDatabase } from '@switchyard/db';
import { createRedis } from '@switchyard/queues';
import { ownPrefix, redisUrl, workerAppForEndpoints } from './worker-app-fixture';

/**
 * What deploy/k8s assumes of a worker's probes: liveness (/healthz) answers whatever Postgres and
 * Redis do, so an outage never restarts pods; readiness (/readyz) is 503 while either is down,
 * naming which, and 200 when both answer.
 */
describe('worker app probes', () => {
  /** A fail-fast producer connection, once it is connected (before that it refuses commands). */
  const connectedRedis = async () => {
    const redis = createRedis(redisUrl, 'producer');
    redis.on('error', () => undefined);
    await new Promise((resolve) => redis.once('ready', resolve));
    return redis;
  };
  const fetchJson = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('healthz and readyz answer 200 when Postgres and Redis do', async () => {
    const db = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 1 });
    const redis = await connectedRedis();
    const { app, close } = workerAppForEndpoints({ db, redis, prefix: ownPrefix('probes-up') });
    const base = await app.start();
    try {
      expect(await fetchJson(`${base}/healthz`)).toEqual({ status: 200, body: { status: 'ok', queue: 'crm' } });
      expect(await fetchJson(`${base}/readyz`)).toEqual({ status: 200, body: { status: 'ready', queue: 'crm', postgres: 'ok', redis: 'ok' } });
    } finally {
      await app.stop('test');
      close();
      redis.disconnect();
      await db.destroy();
    }
  });

  it('readyz is 503 naming Postgres while it is down; healthz stays 200', async () => {
    // A port nothing listens on: connecting is refused at once.
    const db = createDatabase({ url: 'postgresql://root@127.0.0.1:1/none', poolSize: 1, connectTimeoutMs: 500 });
    const redis = await connectedRedis();
    const { app, close } = workerAppForEndpoints({ db, redis, prefix: ownPrefix('probes-pg') });
    const base = await app.start();
    try {
      const ready = await fetchJson(`${base}/readyz`);
      expect(ready).toMatchObject({ status: 503, body: { status: 'not ready', redis: 'ok' } });
      expect(ready.body.postgres).toMatch(/^down: /);
      expect((await fetchJson(`${base}/healthz`)).status).toBe(200);
    } finally {
      await app.stop('test');
      close();
      redis.disconnect();
      await db.destroy().catch(() => undefined);
    }
  });

  it('readyz is 503 naming Redis while it is down; healthz stays 200', async () => {
    const db = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 1 });
    // A connection that was up and is now gone (as ops' test does: an unreachable port leaves ioredis' connect timer behind).
    const redis = await connectedRedis();
    redis.disconnect();
    const { app, close } = workerAppForEndpoints({ db, redis, prefix: ownPrefix('probes-redis') });
    const base = await app.start();
    try {
      const ready = await fetchJson(`${base}/readyz`);
      expect(ready).toMatchObject({ status: 503, body: { status: 'not ready', postgres: 'ok' } });
      expect(ready.body.redis).toMatch(/^down/);
      expect((await fetchJson(`${base}/healthz`)).status).toBe(200);
    } finally {
      await app.stop('test');
      close();
      await db.destroy();
    }
  });
});
