import { sql } from 'kysely';
import { createDatabase, createPool, transaction, type Database, type Db, type Pool } from '../src';

async function backendPid(db: Db): Promise<number> {
  const [row] = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows;
  if (!row) throw new Error('expected the row of pg_backend_pid(), got none');
  return row.pid;
}

// The one transaction helper: an inner call joins the outer transaction, and a transaction that
// loses a race (deadlock, serialization failure) runs again from the start a bounded number of times.
let pool: Pool;
let db: Database;
const table = `tx_helper_${process.pid}`;

beforeAll(async () => {
  pool = createPool({ url: process.env.DATABASE_URL ?? '', poolSize: 4 });
  db = createDatabase({ url: '', pool });
  await sql`CREATE TABLE IF NOT EXISTS ${sql.table(table)} (id int PRIMARY KEY, n int NOT NULL)`.execute(db);
});
afterAll(async () => {
  await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  await db.destroy();
});
beforeEach(async () => {
  await sql`TRUNCATE ${sql.table(table)}`.execute(db);
});

async function rows(): Promise<number[]> {
  const { rows: r } = await sql<{ id: number }>`SELECT id FROM ${sql.table(table)} ORDER BY id`.execute(db);
  return r.map((x) => x.id);
}

test('an inner call joins the outer transaction: one backend, and a later failure rolls both back', async () => {
  let outerPid = 0;
  let innerPid = -1;
  await expect(
    transaction(db, async (tx) => {
      outerPid = await backendPid(tx);
      await sql`INSERT INTO ${sql.table(table)} VALUES (1, 0)`.execute(tx);
      await transaction(tx, async (inner) => {
        innerPid = await backendPid(inner);
        await sql`INSERT INTO ${sql.table(table)} VALUES (2, 0)`.execute(inner);
      });
      throw new Error('after the inner call');
    }),
  ).rejects.toThrow('after the inner call');
  expect(innerPid).toBe(outerPid);
  expect(await rows()).toEqual([]);
});

test('a serialization failure is retried and the retry commits', async () => {
  await sql`INSERT INTO ${sql.table(table)} VALUES (1, 0)`.execute(db);
  let runs = 0;
  await transaction(
    db,
    async (tx) => {
      runs++;
      await sql`SELECT n FROM ${sql.table(table)} WHERE id = 1`.execute(tx);
      // A concurrent writer commits a change to the row this transaction read, once.
      if (runs === 1) await sql`UPDATE ${sql.table(table)} SET n = n + 1 WHERE id = 1`.execute(db);
      await sql`UPDATE ${sql.table(table)} SET n = n + 10 WHERE id = 1`.execute(tx);
    },
    { isolation: 'serializable' },
  );
  expect(runs).toBe(2);
  const { rows: r } = await sql<{ n: number }>`SELECT n FROM ${sql.table(table)} WHERE id = 1`.execute(db);
  expect(r[0]?.n).toBe(11);
});

test('retries are bounded: a conflict on every run is thrown after the last retry', async () => {
  await sql`INSERT INTO ${sql.table(table)} VALUES (1, 0)`.execute(db);
  let runs = 0;
  await expect(
    transaction(
      db,
      async (tx) => {
        runs++;
        await sql`SELECT n FROM ${sql.table(table)} WHERE id = 1`.execute(tx);
        await sql`UPDATE ${sql.table(table)} SET n = n + 1 WHERE id = 1`.execute(db);
        await sql`UPDATE ${sql.table(table)} SET n = n + 10 WHERE id = 1`.execute(tx);
      },
      { isolation: 'serializable', retries: 2 },
    ),
  ).rejects.toMatchObject({ code: '40001' });
  expect(runs).toBe(3);
});

test('any other error is not retried', async () => {
  let runs = 0;
  await expect(
    transaction(db, async (tx) => {
      runs++;
      await sql`INSERT INTO ${sql.table(table)} VALUES (1, 0), (1, 0)`.execute(tx);
    }),
  ).rejects.toMatchObject({ code: '23505' });
  expect(runs).toBe(1);
});
