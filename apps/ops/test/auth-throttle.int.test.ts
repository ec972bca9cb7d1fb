import { createDatabase } from '@switchyard/db';
import { captureLogs, testPrefix } from '@switchyard/testing';
import { createLogger } from '@switchyard/logger';
import { createRedis } from '@switchyard/queues';
import supertest from 'supertest';
import { createServer } from '../src/server';
import { basic, bearer, startOps, TEST_TOKEN, type TestOps } from './harness';

const LIMIT = 10;

/** Sends `n` requests, `concurrency` at a time, and returns their statuses in order. */
async function burst(n: number, concurrency: number, send: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += concurrency) statuses.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => send(i + j).then((r) => r.status)))));
  return statuses;
}

describe('failed sign-in throttle, per client address', () => {
  let ops: TestOps;
  beforeAll(async () => {
    // The test is the trusted proxy, so each test names its client.
    ops = await startOps({ TRUST_PROXY: 'loopback', OPS_AUTH_FAILURES_PER_MINUTE: String(LIMIT) });
  });
  afterAll(() => ops.close());

  it('answers 429 with Retry-After to 600 wrong tokens sent within seconds, after the first few 401s', async () => {
    const started = Date.now();
    const statuses = await burst(600, 50, (i) => ops.request.get('/api/events').set('X-Forwarded-For', '203.0.113.10').set('Authorization', `Bearer wrong-token-${i}-0123456789`));
    const seconds = (Date.now() - started) / 1000;
    const unauthorized = statuses.filter((s) => s === 401).length;
    expect(unauthorized).toBeGreaterThanOrEqual(LIMIT);
    // Concurrent attempts may all pass the check before any failure is counted: at most one batch over.
    expect(unauthorized).toBeLessThan(LIMIT + 50);
    expect(statuses.filter((s) => s === 429).length).toBe(600 - unauthorized);
    expect(statuses.slice(-100).every((s) => s === 429)).toBe(true);
    expect(seconds).toBeLessThan(60);

    const res = await ops.request.get('/api/events').set('X-Forwarded-For', '203.0.113.10').set('Authorization', 'Bearer another-wrong-token-0123');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({ error: 'too_many_attempts', message: expect.stringMatching(/^too many failed sign-in attempts from this address; retry in \d+ s$/) });
  });

  it('refuses even the right token from a throttled address, and not from another one', async () => {
    await burst(LIMIT, 1, (i) => ops.request.get('/api/events').set('X-Forwarded-For', '203.0.113.11').set('Authorization', `Bearer wrong-${i}-0123456789`));
    expect((await ops.request.get('/api/events?limit=1').set('X-Forwarded-For', '203.0.113.11').set(bearer)).status).toBe(429);
    expect((await ops.request.get('/api/events?limit=1').set('X-Forwarded-For', '203.0.113.12').set(bearer)).status).toBe(200);
  });

  it('throttles the board as well as the API, and does not count requests without credentials', async () => {
    const anonymous = await burst(LIMIT * 2, 5, () => ops.request.get('/ops/queues').set('X-Forwarded-For', '203.0.113.13'));
    expect(anonymous.every((s) => s === 401)).toBe(true);
    expect((await ops.request.get('/ops/queues').set('X-Forwarded-For', '203.0.113.13').set(basic('alice', TEST_TOKEN))).status).toBe(200);
    const wrong = await burst(LIMIT + 2, 1, (i) => ops.request.get('/ops/queues').set('X-Forwarded-For', '203.0.113.13').set(basic(`user${i}`, 'wrong-password-0123456789')));
    expect(wrong).toEqual([...Array<number>(LIMIT).fill(401), 429, 429]);
  });
});

describe('failed sign-in throttle, per user name', () => {
  let ops: TestOps;
  beforeAll(async () => {
    ops = await startOps({ TRUST_PROXY: 'loopback', OPS_AUTH_FAILURES_PER_MINUTE: String(LIMIT) });
  });
  afterAll(() => ops.close());

  it('answers 429 for a user name guessed at from many addresses, and lets another user name through', async () => {
    const statuses = await burst(LIMIT + 5, 1, (i) => ops.request.get('/ops/queues').set('X-Forwarded-For', `198.51.100.${i + 1}`).set(basic('alice', `wrong-password-${i}-0123456789`)));
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), ...Array<number>(5).fill(429)]);
    const fresh = await ops.request.get('/ops/queues').set('X-Forwarded-For', '198.51.100.200').set(basic('alice', TEST_TOKEN));
    expect(fresh.status).toBe(429);
    expect(fresh.body.message).toMatch(/^too many failed sign-in attempts for this user name; retry in \d+ s$/);
    expect((await ops.request.get('/ops/queues').set('X-Forwarded-For', '198.51.100.201').set(basic('bob', TEST_TOKEN))).status).toBe(200);
    // Failures are logged without the unverified user name.
    expect(ops.logs.filter((l) => l.includes('ops authentication')).join('\n')).not.toContain('alice');
  });
});

describe('failed sign-in throttle without Redis', () => {
  it('still throttles, counting in the process', async () => {
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer');
    redis.on('error', () => undefined);
    await new Promise((resolve) => redis.once('ready', resolve));
    redis.disconnect();
    const db = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 1 });
    const { stream } = captureLogs();
    const app = createServer({ db, redis, prefix: testPrefix(), token: TEST_TOKEN, logger: createLogger({ service: 'ops-test', level: 'error', stream }), authFailuresPerMinute: 3 });
    try {
      const statuses = await burst(5, 1, (i) => supertest(app).get('/api/events').set('Authorization', `Bearer wrong-${i}-0123456789`));
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await db.destroy();
    }
  });
});
