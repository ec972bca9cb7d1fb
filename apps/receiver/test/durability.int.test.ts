import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { createLogger } from '@switchyard/logger';
import type { CanonicalEvent } from '@switchyard/domain';
import { createRedis } from '@switchyard/queues';
import { OwnRedis, createOwnDatabase } from '@switchyard/testing';
import { createEventWorker } from '@switchyard/worker-runtime';
import { eventually, startReceiver, type TestReceiver } from './harness';


const stripe = new Stripe('sk_test_unused');
const quiet = createLogger({ service: 'test-worker', level: 'error' });

function signedEvent() {
  const id = `evt_${randomUUID().replace(/-/g, '')}`;
  const body = JSON.stringify({ id, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: `pi_${id.slice(4)}`, object: 'payment_intent', amount: 1500, amount_received: 1500, currency: 'eur' } } });
  return { id, body, header: stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_test_current' }) };
}

async function deliver(r: TestReceiver, e: ReturnType<typeof signedEvent>) {
  return r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', e.header).send(e.body);
}

const statusOf = async (r: TestReceiver, providerEventId: string) => (await r.db.inboundEvent.findFirst({ where: { provider: 'stripe', providerEventId } }))?.status;

function startWorker(r: TestReceiver, redisUrl: string) {
  const connection = createRedis(redisUrl, 'worker');
  connection.on('error', () => undefined);
  const handled: string[] = [];
  const handle = async (event: CanonicalEvent) => void handled.push(event.providerEventId);
  const runtime = createEventWorker({
    queue: 'payments',
    db: r.database,
    connection,
    prefix: r.prefix,
    concurrency: 4,
    logger: quiet,
    events: { 'payment.succeeded': handle, 'payment.failed': handle, 'payment.refunded': handle, 'payment.disputed': handle, 'generic.received': handle },
    performers: { 'payment.refund': { mode: 'idempotent', perform: () => Promise.reject(new Error('no effects in this test')) } },
  });
  return { handled, close: async () => (await runtime.close(), connection.disconnect()) };
}

describe('durable ingest', () => {
  it('goes received → queued → processed through a worker', async () => {
    const r = await startReceiver();
    const worker = startWorker(r, 'redis://127.0.0.1:6379');
    try {
      const e = signedEvent();
      expect((await deliver(r, e)).status).toBe(200);
      await eventually(async () => (await statusOf(r, e.id)) === 'processed');
      const row = await r.db.inboundEvent.findFirst({ where: { provider: 'stripe', providerEventId: e.id } });
      expect(row?.queuedAt).not.toBeNull();
      expect(row?.processedAt).not.toBeNull();
      expect(worker.handled).toEqual([e.id]);
    } finally {
      await worker.close();
      await r.close();
    }
  });

  it('accepts events while Redis is down and enqueues them when it returns', async () => {
    const redis = new OwnRedis();
    await redis.start();
    const r = await startReceiver({ redisUrl: redis.url });
    try {
      await redis.stop();
      const events = [signedEvent(), signedEvent(), signedEvent()];
      for (const e of events) expect((await deliver(r, e)).status).toBe(200);
      for (const e of events) expect(await statusOf(r, e.id)).toBe('received');
      expect((await r.request.get('/readyz')).status).toBe(503);

      await redis.start();
      for (const e of events) await eventually(async () => (await statusOf(r, e.id)) === 'queued', 15_000);
      const worker = startWorker(r, redis.url);
      for (const e of events) await eventually(async () => (await statusOf(r, e.id)) === 'processed', 15_000);
      expect(worker.handled.sort()).toEqual(events.map((e) => e.id).sort());
      await worker.close();
    } finally {
      await r.close();
      await redis.stop();
    }
  });

  it('re-drives events whose jobs Redis lost, without duplicating jobs that still exist', async () => {
    const redis = new OwnRedis();
    await redis.start();
    // The stale-work redriver re-drives every stale event in its database, so this test owns one.
    const database = await createOwnDatabase(process.env.TEST_POSTGRES_URL || undefined);
    const r = await startReceiver({ redisUrl: redis.url, databaseUrl: database.url, env: { REDRIVE_STALE_AFTER_MS: '300' } });
    try {
      const lost = signedEvent();
      await deliver(r, lost);
      await eventually(async () => (await statusOf(r, lost.id)) === 'queued', 10_000, 50, 'first dispatch');
      redis.flushAll();
      expect(await r.queue('payments').count()).toBe(0);

      await new Promise((res) => setTimeout(res, 400));
      expect(await r.redriver.tick()).toBeGreaterThanOrEqual(1);
      await eventually(async () => (await r.queue('payments').count()) === 1, 10_000, 50, 're-dispatch after the flush');

      // A second re-drive while the job still exists adds nothing: job ids come from the event id.
      await new Promise((res) => setTimeout(res, 400));
      await r.redriver.tick();
      await new Promise((res) => setTimeout(res, 300));
      expect(await r.queue('payments').count()).toBe(1);

      const worker = startWorker(r, redis.url);
      await eventually(async () => (await statusOf(r, lost.id)) === 'processed', 15_000, 50, 'processing after re-drive');
      expect(worker.handled).toEqual([lost.id]);
      await worker.close();
    } finally {
      await r.close();
      await redis.stop();
      await database.drop();
    }
  });

  it('answers 503 when Postgres is unreachable, so the provider retries', async () => {
    const r = await startReceiver({ databaseUrl: 'postgresql://root@127.0.0.1:1/nowhere' });
    try {
      const res = await deliver(r, signedEvent());
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.message).toMatch(/event store is unavailable/);
      expect((await r.request.get('/readyz')).status).toBe(503);
    } finally {
      await r.close();
    }
  });
});
