import { randomBytes } from 'node:crypto';
import { RateLimitedError } from '@switchyard/errors';
import { createRedis, deleteKeys, type Redis } from '@switchyard/queues';
import { createHubspotClient, createRateLimiter, createWhatsappClient } from '../src';
import { startSandbox } from './sandbox';

// The machine's Redis, or the Redis Cluster of scripts/test.sh's cluster run.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let a: Redis;
let b: Redis;
let prefix: string;

beforeEach(() => {
  a = createRedis(REDIS_URL, 'worker');
  b = createRedis(REDIS_URL, 'worker');
  // No hash tag: on a cluster each limit's key lands wherever it hashes, as in production.
  prefix = `sy-test-rl-${randomBytes(4).toString('hex')}`;
});

afterEach(async () => {
  await deleteKeys(a, `${prefix}:*`);
  a.disconnect();
  b.disconnect();
});

/** The largest number of grants inside any window [t, t + windowMs). */
function busiestWindow(grants: number[], windowMs: number): number {
  const sorted = [...grants].sort((x, y) => x - y);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[j] as number) < (sorted[i] as number) - windowMs + 1) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('createRateLimiter', () => {
  it('two limiters on two Redis connections sharing a key never exceed the limit in any window', async () => {
    const limit = 5;
    const windowMs = 300;
    const limiters = [createRateLimiter(a, { prefix }), createRateLimiter(b, { prefix })];
    const grants: number[] = [];
    const deadline = Date.now() + 1500;
    const worker = async (i: number) => {
      const limiter = limiters[i % 2] as ReturnType<typeof createRateLimiter>;
      while (Date.now() < deadline) grants.push((await limiter.acquire('hubspot:default', { limit, windowMs, maxWaitMs: 5000 })).grantedAt);
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => worker(i)));
    expect(busiestWindow(grants, windowMs)).toBeLessThanOrEqual(limit);
    // It still lets the full rate through: about limit per window over the run.
    expect(grants.length).toBeGreaterThanOrEqual(limit * 3);
    expect(busiestWindow(grants, windowMs)).toBe(limit);
  });

  it('sleeps for a slot within maxWaitMs, and otherwise throws RateLimitedError with the wait', async () => {
    const limiter = createRateLimiter(a, { prefix });
    const opts = { limit: 2, windowMs: 400 };
    await limiter.acquire('k', opts);
    await limiter.acquire('k', opts);
    const started = Date.now();
    const waited = await limiter.acquire('k', { ...opts, maxWaitMs: 1000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(waited.waitedMs).toBeGreaterThanOrEqual(350);
    await limiter.acquire('k', { ...opts, maxWaitMs: 1000 });
    const err = await limiter.acquire('k', { ...opts, maxWaitMs: 50 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'OUTBOUND_RATE_LIMIT' });
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    expect((err as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(400);
    expect(await a.pttl(`${prefix}:k`)).toBeLessThanOrEqual(400);
  });

  it('a client takes the slot before each request; past maxWaitMs the request is never sent', async () => {
    const sandbox = await startSandbox();
    try {
      const limiter = createRateLimiter(b, { prefix });
      const client = createHubspotClient({ baseUrl: sandbox.url, token: sandbox.env.SANDBOX_HUBSPOT_TOKEN }, { limiter, limit: 2, windowMs: 60_000, maxWaitMs: 0 });
      await client.get('contacts', '1');
      await client.get('contacts', '1');
      const err = await client.get('contacts', '1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ kind: 'rate_limited', code: 'OUTBOUND_RATE_LIMIT' });
      expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(59_000);
      expect(await sandbox.requests({ provider: 'hubspot' })).toHaveLength(2);
      expect(await b.zcard(`${prefix}:hubspot:default`)).toBe(2);
    } finally {
      await sandbox.close();
    }
  });

  it('an intent send takes its permit beforehand (takePermit) and the send itself takes none', async () => {
    const sandbox = await startSandbox();
    try {
      const limiter = createRateLimiter(b, { prefix });
      const client = createWhatsappClient({ baseUrl: sandbox.url, token: sandbox.env.SANDBOX_WHATSAPP_TOKEN, phoneNumberId: '100000000000001' }, { limiter, limit: 1, windowMs: 60_000, maxWaitMs: 0 });
      await client.takePermit();
      expect(await b.zcard(`${prefix}:whatsapp:100000000000001`)).toBe(1);
      await client.sendTemplate({ to: '15550001234', name: 'payment_receipt', language: 'en_US', parameters: ['10.00 USD', 'order_1'], permitTaken: true });
      expect(await b.zcard(`${prefix}:whatsapp:100000000000001`)).toBe(1);
      // The window's only permit is gone: the next permit, and a send that takes its own, are refused before anything leaves.
      await expect(client.takePermit()).rejects.toMatchObject({ code: 'OUTBOUND_RATE_LIMIT' });
      await expect(client.sendText({ to: '15550001234', body: 'hello' })).rejects.toMatchObject({ code: 'OUTBOUND_RATE_LIMIT' });
      expect(await sandbox.requests({ provider: 'whatsapp' })).toHaveLength(1);
    } finally {
      await sandbox.close();
    }
  });
});
