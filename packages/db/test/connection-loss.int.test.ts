import type { PoolClient } from 'pg';
import { sql } from 'kysely';
import { createDatabase, createPool, transaction, type Database, type Pool } from '../src';

// A connection cut from the server side (restart, failover, pg_terminate_backend) while a client is
// checked out of the pool must fail what runs on it, never the process; the pool then serves again.
let pool: Pool;
let admin: Pool;
let database: Database;

beforeAll(() => {
  const url = process.env.DATABASE_URL ?? '';
  pool = createPool({ url, poolSize: 3 });
  admin = createPool({ url, poolSize: 1 });
  database = createDatabase({ url, pool });
});
afterAll(async () => {
  await pool.end();
  await admin.end();
});

/** Cuts the backend named by a `SELECT pg_backend_pid() AS pid` row. */
async function terminate(backend: { pid: number } | undefined): Promise<void> {
  if (!backend) throw new Error('expected the row of pg_backend_pid(), got none');
  const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [backend.pid]);
  expect(rows[0]?.ok).toBe(true);
}

/** Resolves once the client's connection has closed (the server cut it). */
function ended(client: PoolClient): Promise<void> {
  return new Promise((resolve) => client.once('end', () => resolve()));
}

it('a checked-out client whose backend is terminated between statements does not crash the process', async () => {
  const client = await pool.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const gone = ended(client);
  await terminate(rows[0]);
  await gone;
  await expect(client.query('SELECT 1')).rejects.toThrow();
  client.release(new Error('connection terminated'));
  expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
});

it('a transaction() whose backend is terminated mid-transaction rejects, and the pool serves the next one', async () => {
  // Which message the cut surfaces as is a race: the server's "terminating connection" answer to the
  // query, pg's "connection error … not queryable" when the socket's error arrived first, or the
  // socket's own ECONNRESET when the reset reached it before the server's message.
  await expect(
    transaction(database, async (tx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
      await terminate(rows[0]);
      return sql`SELECT 1`.execute(tx);
    }),
  ).rejects.toThrow(/terminat|connection error|ECONNRESET/i);
  const again = await transaction(database, (tx) => sql<{ one: number }>`SELECT 1 AS one`.execute(tx));
  expect(again.rows[0]?.one).toBe(1);
});

it('a statement whose backend is terminated under it leaves no broken client in the pool: the very next statement runs', async () => {
  // One client, so the next statement can only run on a new connection if the broken one was dropped
  // when Kysely released it. Kysely releases without the error, and the socket's close may not have
  // been read yet, so pg-pool alone would hand the dead client back ("Connection terminated unexpectedly").
  const url = process.env.DATABASE_URL ?? '';
  const single = createPool({ url, poolSize: 1 });
  const db = createDatabase({ url, pool: single });
  try {
    const tag = `cut-${process.pid}-${Date.now()}`;
    const sleeping = sql`SELECT pg_sleep(30), ${tag}::text AS tag`.execute(db);
    let pid: number | undefined;
    for (let i = 0; i < 200 && pid === undefined; i++) {
      const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid()`);
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    await terminate(pid === undefined ? undefined : { pid });
    await expect(sleeping).rejects.toThrow(/terminat|connection|ECONNRESET/i);
    const next = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    expect(next.rows[0]?.one).toBe(1);
  } finally {
    await single.end().catch(() => undefined);
  }
});
