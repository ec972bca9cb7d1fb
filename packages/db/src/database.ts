import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { createPool, type DbOptions } from './client';
import { defaultPoolMode } from './env';
import { isDatabaseUnavailable } from './errors';
import type { DB } from './generated/kysely/types';

/** The one runtime query layer: Kysely over the pg pool, typed from prisma/schema.prisma (generated/kysely). */
export type Database = Kysely<DB>;
/** An open transaction; repositories accept it wherever they accept the database. */
export type Tx = Transaction<DB>;
/** What every repository takes first: the database, or the caller's open transaction. */
export type Db = Database | Tx;

// Named statements are parsed and planned once per connection. Only the first few hundred distinct
// texts get a name, so statements whose text varies (IN lists of different lengths) cannot grow the
// server's cache, or ours, forever. The `ky-` prefix keeps these apart from the names sqlDb gives
// its statements (`sy-`) while both run on one pool: a name reused for another text is an error.
const statementNames = new Map<string, string>();
const MAX_NAMED = 500;
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_NAMED) {
    name = `ky-${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

interface NamingClient {
  query(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult>;
  release(err?: Error | boolean): void;
}

/**
 * The pool as Kysely's dialect sees it, with every statement sent as a named (prepared) one, or,
 * behind a transaction-mode pooler (`named` false), as an unnamed one: the pooler may hand the next
 * statement of this client to another server connection, where the name is unknown or taken. Kysely
 * keeps one connection object per client it is handed, so each pg client gets one wrapper for life.
 * Ending it ends the pool once, however many databases share that pool.
 */
function namingPool(pool: Pool, named: boolean) {
  const wrappers = new WeakMap<PoolClient, NamingClient>();
  return {
    async connect(): Promise<NamingClient> {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        // Kysely releases a client without the error its statement failed with. When the server cut
        // the connection (restart, failover, pg_terminate_backend), the socket's close may not have
        // been read yet, so pg-pool would take the client back as healthy and fail the next caller
        // too. A connection-level failure marks the client, and its release destroys it.
        let broken: Error | undefined;
        wrapper = {
          query: async (text, values) => {
            try {
              return await (typeof text === 'string' && named ? client.query({ text, values, name: statementName(text) }) : client.query(text, values));
            } catch (err) {
              if (isDatabaseUnavailable(err)) broken = err as Error;
              throw err;
            }
          },
          release: (err) => client.release(err || broken),
        };
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    async end(): Promise<void> {
      if (!pool.ending) await pool.end();
    },
  };
}

/** The pg pool under each database made by createDatabase (readiness probes use it). */
const pools = new WeakMap<object, Pool>();

/** A database over `pool` (shared with whoever else uses it), or over a new pool for `url`. */
export function createDatabase(opts: DbOptions & { pool?: Pool }): Database {
  const pool = opts.pool ?? createPool(opts);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: namingPool(pool, (opts.poolMode ?? defaultPoolMode()) === 'session') as unknown as Pool }) });
  pools.set(db, pool);
  return db;
}

/** The pg pool a database from createDatabase runs on. */
export function poolOfDatabase(db: Database): Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('poolOfDatabase: this database was not made by createDatabase');
  return pool;
}
