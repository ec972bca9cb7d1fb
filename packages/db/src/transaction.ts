import type { Prisma, PrismaClient } from './client';

/** A repository takes either the client or an open transaction, so callers decide the boundary. */
export type Db = PrismaClient | Prisma.TransactionClient;

export function transaction<T>(db: PrismaClient, fn: (tx: Prisma.TransactionClient) => Promise<T>, opts?: { timeoutMs?: number }): Promise<T> {
  return db.$transaction(fn, { timeout: opts?.timeoutMs ?? 10_000, maxWait: 5_000 });
}
