import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient };
export type { Prisma } from './generated/prisma/client';

export interface DbOptions {
  url: string;
  poolSize?: number;
  /** How long to wait for a connection before failing (so a down database answers 503 fast). */
  connectTimeoutMs?: number;
}

export function createDb({ url, poolSize = 10, connectTimeoutMs = 2000 }: DbOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: connectTimeoutMs, idleTimeoutMillis: 30_000 });
  return new PrismaClient({ adapter });
}
