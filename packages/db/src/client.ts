import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient, Pool };
export type { Prisma } from './generated/prisma/client';

export interface DbOptions {
  url: string;
  poolSize?: number;
  /** How long to wait for a connection before failing (so a down database answers 503 fast). */
  connectTimeoutMs?: number;
  /**
   * `transaction` when `url` is a transaction-mode pooler (PgBouncer): statements go unnamed, since
   * a name prepared on one server connection is unknown (or already taken) on the next. Default:
   * DATABASE_POOL_MODE, so a test or script building a database from a URL follows the run's mode.
   */
  poolMode?: PoolMode;
}

export type PoolMode = 'session' | 'transaction';


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

/** The pg pool under each client made by createDb. */
const pools = new WeakMap<object, Pool>();

/**
 * TEST-ONLY: Prisma over a pg pool, for tests that read and write rows for their assertions (and,
 * until the handlers move over, the transitional `db` of the worker contexts). The runtime's
 * query layer is `createDatabase` (Kysely); nothing at run time should need this.
 */
export function createDb(opts: DbOptions & { pool?: Pool }): PrismaClient {
  const pool = opts.pool ?? createPool(opts);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(client, pool);
  return client;
}

/** TEST-ONLY: the pg pool a client from createDb runs on (undefined for clients made elsewhere). */
export function poolOf(db: object): Pool | undefined {
  return pools.get(db);
}
