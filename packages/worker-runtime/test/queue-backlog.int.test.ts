import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { applyMigrations, createDatabase, dropDatabase, ensureDatabase, type Database } from '@switchyard/db';
import { Worker, createRedis, queuePrefix } from '@switchyard/queues';
import { openBacklogQueue, queueBacklog } from '../src/queue-backlog';
import { ownPrefix, redisUrl, workerAppForEndpoints } from './worker-app-fixture';

// A prefix of this test's own: no other test's jobs can show up in its counts.
const prefix = ownPrefix('backlog');
// A port nothing listens on: Redis is "down" for whatever reads through it.
const deadRedisUrl = 'redis://127.0.0.1:1';

async function gauge(metrics: Registry): Promise<number | undefined> {
  const [metric] = (await metrics.getMetricsAsJSON()).filter((m) => m.name === 'switchyard_queue_backlog');
  return metric?.values.find((v) => v.labels.queue === 'crm')?.value;
}

describe('queue backlog (GET /backlog, switchyard_queue_backlog)', () => {
  const redis = createRedis(redisUrl, 'worker');
  const queue = openBacklogQueue('crm', redis, prefix);
  // Another queue under the same prefix: its jobs are not this queue's backlog.
  const other = openBacklogQueue('payments', redis, prefix);

  afterAll(async () => {
    await Promise.all([queue.close(), other.close()]);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts waiting, delayed and prioritized jobs of its own queue, not active ones or other queues', async () => {
    const metrics = new Registry();
    const backlog = queueBacklog({ queue: 'crm', redisUrl, prefix, metrics });
    try {
      expect(await backlog.read()).toEqual({ queue: 'crm', backlog: 0, waiting: 0, delayed: 0, prioritized: 0 });
      // One job held active by a worker that then pauses: it has a worker already, so it is no backlog.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const workerConnection = createRedis(redisUrl, 'worker');
      const worker = new Worker('crm', () => held, { connection: workerConnection, prefix: queuePrefix(prefix, 'crm'), concurrency: 1 });
      const active = new Promise((resolve) => worker.once('active', resolve));
      await queue.add('crm.process-event.v1', {}, { jobId: 'a1' });
      await active;
      await worker.pause(true);
      await queue.addBulk([
        { name: 'crm.process-event.v1', data: {}, opts: { jobId: 'w1' } },
        { name: 'crm.process-event.v1', data: {}, opts: { jobId: 'w2' } },
        { name: 'crm.process-event.v1', data: {}, opts: { jobId: 'w3' } },
        { name: 'crm.process-event.v1', data: {}, opts: { jobId: 'd1', delay: 600_000 } },
        { name: 'crm.process-event.v1', data: {}, opts: { jobId: 'd2', delay: 600_000 } },
        { name: 'crm.process-event.v1', data: {}, opts: { jobId: 'p1', priority: 5 } },
      ]);
      await other.add('payments.process-event.v1', {}, { jobId: 'x1' });
      expect(await backlog.read()).toEqual({ queue: 'crm', backlog: 6, waiting: 3, delayed: 2, prioritized: 1 });
      expect(await gauge(metrics)).toBe(6);
      expect(await queue.getActiveCount()).toBe(1);
      release();
      await worker.close();
      workerConnection.disconnect();
    } finally {
      await backlog.close();
    }
  });

  it('rejects within its timeout while Redis is down, and the gauge reads -1', async () => {
    const metrics = new Registry();
    const backlog = queueBacklog({ queue: 'crm', redisUrl: deadRedisUrl, prefix, metrics, timeoutMs: 300 });
    try {
      await expect(backlog.read()).rejects.toThrow('Redis did not answer within 300 ms');
      expect(await gauge(metrics)).toBe(-1);
    } finally {
      await backlog.close();
    }
  });

  describe("a worker app's GET /backlog", () => {
    // A database of its own: the app's outbox relay dispatches every pending outbox entry it finds,
    // and in the shared test database another test file's pending crm entry would land in this
    // app's queue and in the backlog counted here.
    const url = `${(process.env.TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '')}/switchyard_own_${randomBytes(4).toString('hex')}`;
    let db: Database;
    beforeAll(async () => {
      await ensureDatabase(url);
      await applyMigrations(url);
      db = createDatabase({ url, poolSize: 2 });
    });
    const producer = createRedis(redisUrl, 'producer');
    producer.on('error', () => undefined);
    const closers: (() => void)[] = [];
    const start = (backlogRedisUrl: string, appPrefix: string) => {
      const { app, close } = workerAppForEndpoints({ db, redis: producer, prefix: appPrefix, backlogRedisUrl });
      closers.push(close);
      return app;
    };

    afterAll(async () => {
      for (const close of closers) close();
      producer.disconnect();
      await db.destroy();
      await dropDatabase(url);
    });

    it('answers the backlog as JSON and serves the gauge on /metrics', async () => {
      const appPrefix = ownPrefix('backlog-app');
      const appQueue = openBacklogQueue('crm', redis, appPrefix);
      const app = start(redisUrl, appPrefix);
      const base = await app.start();
      try {
        // Paused: the app's own worker must not take the job this test counts.
        await app.runtime.worker.pause(true);
        await appQueue.add('crm.process-event.v1', {}, { jobId: 'late', delay: 600_000 });
        const res = await fetch(`${base}/backlog`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ queue: 'crm', backlog: 1, waiting: 0, delayed: 1, prioritized: 0 });
        expect(await (await fetch(`${base}/metrics`)).text()).toContain('switchyard_queue_backlog{queue="crm"} 1');
      } finally {
        await app.stop('test');
        await appQueue.obliterate({ force: true });
        await appQueue.close();
      }
    });

    it('answers 503 while Redis is down, so the autoscaler does not read a backlog of zero', async () => {
      const app = start(deadRedisUrl, ownPrefix('backlog-down'));
      const base = await app.start();
      try {
        const res = await fetch(`${base}/backlog`);
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ queue: 'crm', error: expect.stringMatching(/^backlog unknown: /) });
      } finally {
        await app.stop('test');
      }
    });
  });
});
