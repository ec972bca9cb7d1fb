import { createLogger } from '@switchyard/logger';
import { createDatabase } from '@switchyard/db';
import { createRedis } from '@switchyard/queues';
import { createServer } from '../src/server';
import { basic, bearer, startOps, TEST_TOKEN, type TestOps } from './harness';

let ops: TestOps;
beforeAll(async () => {
  ops = await startOps();
});
afterAll(async () => {
  await ops.close();
});

describe('GET /api/events authentication', () => {
  it('answers 401 JSON without a token', async () => {
    const res = await ops.request.get('/api/events');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: expect.stringContaining('Bearer') });
    // Basic is accepted on the API too, so a browser opening it directly gets the login prompt.
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="switchyard-ops"/);
  });

  it('answers 401 to a wrong token, even one sharing a prefix with the right one', async () => {
    for (const token of ['nope', `${TEST_TOKEN}x`, TEST_TOKEN.slice(0, -1)]) {
      const res = await ops.request.get('/api/events').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('unauthorized');
    }
    const line = ops.logs.find((l) => l.includes('ops authentication failed'));
    expect(line).toBeDefined();
    expect(line).not.toContain(TEST_TOKEN.slice(0, 10));
  });

  it('accepts the bearer token', async () => {
    const res = await ops.request.get('/api/events?limit=1').set(bearer);
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('items');
  });

  it('takes Basic for the API as the board does (any user, OPS_TOKEN as password), and refuses a wrong password', async () => {
    const res = await ops.request.get('/api/events?limit=1').set(basic('alice', TEST_TOKEN));
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('items');
    expect((await ops.request.get('/api/events').set(basic('alice', 'wrong-password-0123456789'))).status).toBe(401);
  });
});

describe('/ops/queues authentication', () => {
  it('challenges a browser with Basic when no credentials are sent', async () => {
    const res = await ops.request.get('/ops/queues');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="switchyard-ops"/);
  });

  it('refuses a wrong password, a wrong bearer and a malformed header', async () => {
    for (const headers of [basic('alice', 'wrong-password-0123456789'), { Authorization: 'Bearer wrong-token-0123456789' }, { Authorization: 'Basic !!!' }, { Authorization: TEST_TOKEN }]) {
      const res = await ops.request.get('/ops/queues').set(headers);
      expect(res.status).toBe(401);
    }
  });

  it('serves the Bull Board page with Basic (any user, OPS_TOKEN as password)', async () => {
    const res = await ops.request.get('/ops/queues').set(basic('alice', TEST_TOKEN));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<base href="/ops/queues/"');
    expect(res.text).toContain('<title>Switchyard</title>');
    // The page's own scripts load too, with the same credentials the browser keeps sending.
    const script = /<script defer src="([^"]+)"/.exec(res.text)?.[1];
    expect(script).toBeDefined();
    const asset = await ops.request.get(`/ops/queues/${script}`).set(basic('alice', TEST_TOKEN));
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await ops.request.get(`/ops/queues/${script}`)).status).toBe(401);
  });

  it('serves the Bull Board page and its API with the bearer token', async () => {
    const page = await ops.request.get('/ops/queues').set(bearer);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await ops.request.get('/ops/queues/api/queues').set(bearer);
    expect(api.status).toBe(200);
  });

  it('guards the board static files and API as well as the page', async () => {
    expect((await ops.request.get('/ops/queues/api/queues')).status).toBe(401);
    expect((await ops.request.put('/ops/queues/api/queues/payments/pause')).status).toBe(401);
  });
});

describe('health', () => {
  it('answers probes without a token', async () => {
    expect((await ops.request.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await ops.request.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', postgres: 'ok', redis: 'ok' });
  });

  it('reports not ready when Redis does not answer', async () => {
    // A connection that was up and is now gone (an unreachable port would leave ioredis' connect timer behind).
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer');
    redis.on('error', () => undefined);
    await new Promise((resolve) => redis.once('ready', resolve));
    redis.disconnect();
    const db = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 1 });
    const app = createServer({ db, redis, prefix: '{sy-test-down}', token: TEST_TOKEN, logger: createLogger({ service: 'ops-test', level: 'error' }) });
    const supertest = (await import('supertest')).default;
    const res = await supertest(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.postgres).toBe('ok');
    expect(res.body.redis).toMatch(/^down/);
    await db.destroy();
  });
});

describe('createServer', () => {
  it('refuses to build without a real token', () => {
    expect(() => createServer({ db: ops.database, redis: ops.workerRedis, prefix: ops.prefix, token: '', logger: createLogger({ service: 'ops-test' }) })).toThrow(
      'OPS_TOKEN is required: the ops console never runs without authentication',
    );
  });
});
