import { sql } from 'kysely';
import { compiledStatement } from '../src/compiled-statement';
import { createDatabase, createPool, transaction, type Database, type Pool } from '../src';

// compiledStatement: a hot statement is built once and each call only fills its parameters.
let pool: Pool;
let db: Database;
const table = `compiled_statement_${process.pid}`;

beforeAll(async () => {
  pool = createPool({ url: process.env.DATABASE_URL ?? '', poolSize: 2 });
  db = createDatabase({ url: '', pool });
  await sql`CREATE TABLE IF NOT EXISTS ${sql.table(table)} (id int PRIMARY KEY, label text, status text NOT NULL, n int NOT NULL DEFAULT 0)`.execute(db);
});
afterAll(async () => {
  await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  await db.destroy();
});
beforeEach(async () => {
  await sql`TRUNCATE ${sql.table(table)}`.execute(db);
  await sql`INSERT INTO ${sql.table(table)} (id, label, status) VALUES (1, 'one', 'pending'), (2, 'two', 'done'), (3, NULL, 'failed')`.execute(db);
});

test('built once: later calls reuse the compiled text and fill each slot with their own values, in any order of declaration', async () => {
  let builds = 0;
  const bump = compiledStatement<{ by: number; id: number }>()((_, param) => {
    builds++;
    // The constants ('pending', 'failed') stay where the builder put them, between the two slots.
    return sql<{ id: number; n: number }>`UPDATE ${sql.table(table)} SET n = n + ${param('by')} WHERE status IN (${'pending'}, ${'failed'}) AND id = ${param('id')} RETURNING id, n`;
  });
  expect((await bump(db, { id: 1, by: 5 })).rows).toEqual([{ id: 1, n: 5 }]);
  expect((await bump(db, { by: 2, id: 3 })).rows).toEqual([{ id: 3, n: 2 }]);
  expect((await bump(db, { id: 2, by: 7 })).rows).toEqual([]); // 'done' is not among the constants
  expect((await bump(db, { id: 1, by: 1 })).numAffectedRows).toBe(1n);
  expect(builds).toBe(1);
});

test('a slot used twice is filled twice, and null reaches the statement as NULL', async () => {
  const find = compiledStatement<{ label: string | null }>()((_, param) =>
    sql<{ id: number }>`SELECT id FROM ${sql.table(table)} WHERE label = ${param('label')} OR (${param('label')}::text IS NULL AND label IS NULL) ORDER BY id`,
  );
  expect((await find(db, { label: 'two' })).rows).toEqual([{ id: 2 }]);
  expect((await find(db, { label: null })).rows).toEqual([{ id: 3 }]);
});

test('runs in the caller\'s transaction: a rollback undoes it', async () => {
  const setStatus = compiledStatement<{ id: number; status: string }>()((_, param) => sql`UPDATE ${sql.table(table)} SET status = ${param('status')} WHERE id = ${param('id')}`);
  await expect(
    transaction(db, async (tx) => {
      await setStatus(tx, { id: 1, status: 'done' });
      const { rows } = await sql<{ status: string }>`SELECT status FROM ${sql.table(table)} WHERE id = 1`.execute(tx);
      expect(rows).toEqual([{ status: 'done' }]);
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
  const { rows } = await sql<{ status: string }>`SELECT status FROM ${sql.table(table)} WHERE id = 1`.execute(db);
  expect(rows).toEqual([{ status: 'pending' }]);
});

test('the text is the query builder\'s own (so statement names and pg_stat_activity matches stay the same)', async () => {
  let text = '';
  const statement = compiledStatement<{ id: string }>()((d, param) => {
    const q = d.updateTable('effects').set({ status: 'sending', attempts: (eb) => eb('attempts', '+', 1) }).where('id', '=', param('id')).where('status', 'in', ['pending', 'failed']);
    text = q.compile().sql;
    return q;
  });
  await statement(db, { id: '00000000-0000-0000-0000-000000000000' });
  expect(text).toBe(db.updateTable('effects').set({ status: 'sending', attempts: (eb) => eb('attempts', '+', 1) }).where('id', '=', 'x').where('status', 'in', ['pending', 'failed']).compile().sql);
});

test('a parameter the builder asked for but dropped is an error at first use, naming it', async () => {
  const dropped = compiledStatement<{ id: number; label: string }>()((_, param) => {
    param('label'); // asked for, never put into the statement
    return sql<{ id: number }>`SELECT id FROM ${sql.table(table)} WHERE id = ${param('id')}`;
  });
  await expect(dropped(db, { id: 1, label: 'one' })).rejects.toThrow(/parameter\(s\) label never reach the statement/);
});
