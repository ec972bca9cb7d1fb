import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import supertest from 'supertest';

import { createDb, createPool, type Pool, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { Queue, createRedis, type Redis } from '@switchyard/queues';
import { loadEnv } from '../src/env';
import { createServer } from '../src/server';

export const TEST_TOKEN = 'ops-test-token-0123456789abcdef';

export interface TestOps {
  request: ReturnType<typeof supertest>;
  db: PrismaClient;
  /** The pg pool under `db`, for the repositories that take one (recordInboundEvents). */
  pool: Pool;
  /** A connection fit for BullMQ workers in tests (the server's own one fails fast). */
  workerRedis: Redis;
  prefix: string;
  /** Lines the server logged, to assert on what operators see. */
  logs: string[];
  queue(name: string): Queue;
  close(): Promise<void>;
}

/** The ops server on a real port, over the test database and the machine's Redis, isolated by key prefix. */
export async function startOps(): Promise<TestOps> {
  const env = loadEnv({ ...process.env, OPS_TOKEN: TEST_TOKEN });
  const prefix = `{sy-test-${randomBytes(4).toString('hex')}}`;
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ service: 'ops-test', level: 'debug', stream });
  const pool = createPool({ url: env.DATABASE_URL, poolSize: 5, connectTimeoutMs: 1000 });
  const db = createDb({ url: env.DATABASE_URL, pool });
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  const workerRedis = createRedis(env.REDIS_URL, 'worker');
  workerRedis.on('error', () => undefined);
  const app = createServer({ db, redis, prefix, token: TEST_TOKEN, logger });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const queues = new Map<string, Queue>();
  return {
    request: supertest(url),
    db,
    pool,
    workerRedis,
    prefix,
    logs,
    queue(name) {
      let q = queues.get(name);
      if (!q) {
        q = new Queue(name, { connection: workerRedis, prefix });
        q.on('error', () => undefined);
        queues.set(name, q);
      }
      return q;
    },
    async close() {
      await new Promise((r) => server.close(r));
      await Promise.all([...queues.values()].map((q) => q.obliterate({ force: true }).catch(() => undefined).then(() => q.close())));
      redis.disconnect();
      workerRedis.disconnect();
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

export const bearer = { Authorization: `Bearer ${TEST_TOKEN}` };

export function basic(user: string, password: string): { Authorization: string } {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
