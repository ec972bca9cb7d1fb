import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { sqlDb } from './transaction';

export { PrismaClient, Pool };
export type { Prisma } from './generated/prisma/client';

export interface DbOptions {
  url: string;
  poolSize?: number;
  /** How long to wait for a connection before failing (so a down database answers 503 fast). */
  connectTimeoutMs?: number;
}

export function createPool({ url, poolSize = 10, connectTimeoutMs = 2000 }: DbOptions): Pool {
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: connectTimeoutMs, idleTimeoutMillis: 30_000 });
  // A client losing its connection (database restart, failover, pg_terminate_backend) emits
  // `error`; without a listener that kills the process. pg-pool listens only while a client is
  // idle and removes its listener on check-out, so every client gets one of its own for life. The
  // query in flight fails on its own, and a broken client is dropped when released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  // An idle client losing its connection is reported on the pool.
  pool.on('error', () => undefined);
  return pool;
}

/** The pg pool under each client made by createDb, so hot paths can bypass Prisma on the same connections. */
const pools = new WeakMap<object, Pool>();

/**
 * Prisma over a pg pool; pass `pool` to share one pool with the hot paths that use SQL directly.
 * `rawOnPool`: the client's own `$queryRawUnsafe`/`$executeRawUnsafe` run on the pool directly
 * (results as Prisma gives them: int8 as bigint, json parsed, timestamps as Date); models,
 * `$transaction` and everything else are Prisma's. Raw statements inside a Prisma transaction are
 * unaffected (the transaction client is Prisma's).
 */
export function createDb(opts: DbOptions & { pool?: Pool; rawOnPool?: boolean }): PrismaClient {
  const pool = opts.pool ?? createPool(opts);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(client, pool);
  return opts.rawOnPool ? withRawOnPool(client) : client;
}

/** The pg pool a client from createDb runs on (undefined for clients made elsewhere). */
export function poolOf(db: object): Pool | undefined {
  return pools.get(db);
}

/** The same client with its top-level raw methods on the pg pool (see createDb's `rawOnPool`). */
export function withRawOnPool(db: PrismaClient): PrismaClient {
  const pool = pools.get(db);
  if (!pool) return db;
  const raw = sqlDb(pool);
  const bound = new Map<PropertyKey, unknown>();
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === '$queryRawUnsafe') return raw.$queryRawUnsafe;
      if (prop === '$executeRawUnsafe') return raw.$executeRawUnsafe;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(prop);
      if (!fn) bound.set(prop, (fn = (value as (...a: unknown[]) => unknown).bind(target)));
      return fn;
    },
  });
  pools.set(proxy, pool);
  return proxy;
}
