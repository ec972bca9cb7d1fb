import pg, { type Pool, type PoolClient, type QueryConfig } from 'pg';
import type { Prisma, PrismaClient } from './client';

/** A repository takes either the client or an open transaction, so callers decide the boundary. */
export type PrismaDb = PrismaClient | Prisma.TransactionClient;

/**
 * What the raw-SQL repositories need: Prisma's two raw methods. A Prisma client or transaction
 * satisfies it, and so does `sqlDb(pool)`, which runs the same statements on the pg pool directly
 * (about half the cost of Prisma's raw path), so the hot paths can use either.
 */
export interface Sql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export function prismaTransaction<T>(db: PrismaClient, fn: (tx: Prisma.TransactionClient) => Promise<T>, opts?: { timeoutMs?: number }): Promise<T> {
  return db.$transaction(fn, { timeout: opts?.timeoutMs ?? 10_000, maxWait: 5_000 });
}

// Results read like Prisma's raw results: int8 (count(*), bigserial ids) as bigint, the rest as pg parses it.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID && format !== 'binary' ? (v: string) => BigInt(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

// Named statements are parsed and planned once per connection. Only the first few hundred distinct
// texts get a name, so statements built with literals cannot grow the server's (or our) cache forever.
const statementNames = new Map<string, string>();
const MAX_NAMED = 500;
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_NAMED) {
    // Its own prefix: the typed layer (database.ts) names its statements on the same pool connections.
    name = `sq-${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

function config(text: string, values: unknown[]): QueryConfig {
  return { text, values, name: statementName(text), types } as QueryConfig;
}

/** Prisma-compatible raw methods over a pg pool (autocommit per statement) or one pool client. */
export function sqlDb(q: Pool | PoolClient): Sql {
  return {
    async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
      const res = await q.query(config(query, values));
      return res.rows as T;
    },
    async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
      const res = await q.query(config(query, values));
      return res.rowCount ?? 0;
    },
  };
}

/**
 * A plain pg transaction on one pool connection: BEGIN, `fn`, COMMIT (ROLLBACK when it throws).
 * The hot paths use it instead of Prisma's interactive transactions, which cost several extra
 * round trips and a good deal of CPU per transaction.
 */
export async function sqlTransaction<T>(pool: Pool, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection whose state is unknown (BEGIN, COMMIT or ROLLBACK failed) is discarded, not reused.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN').catch((e: Error) => {
      throw (broken = e);
    });
    let result: T;
    try {
      result = await fn(sqlDb(client));
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    }
    await client.query('COMMIT').catch((e: Error) => {
      throw (broken = e);
    });
    return result;
  } finally {
    client.release(broken);
  }
}
