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
}

export function createPool({ url, poolSize = 10, connectTimeoutMs = 2000 }: DbOptions): Pool {
  const pool = new Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: connectTimeoutMs, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Prisma over a pg pool; pass `pool` to share one pool with the hot paths that use SQL directly. */
export function createDb(opts: DbOptions & { pool?: Pool }): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(opts.pool ?? createPool(opts)) });
}
