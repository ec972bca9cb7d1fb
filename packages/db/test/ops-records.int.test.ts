import { randomUUID } from 'node:crypto';
import { countAuditEntries, createDatabase, insertAuditEntry, listAuditEntries, transaction, type Database } from '../src';

// The audit trail as the ops console reads it: ids are opaque strings (int8 in the table), pages
// go backwards from an id, and re-drive counters match one top-level key of the details.
let db: Database;
const action = `test.audit.${randomUUID()}`;

beforeAll(() => {
  db = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 2 });
});
afterAll(async () => {
  await db.deleteFrom('audit_entries').where('action', '=', action).execute();
  await db.destroy();
});

test('an entry comes back with a string id, its details as JSON and a Date', async () => {
  const entry = await insertAuditEntry(db, { actor: 'token', action, target: 'job-1', reason: 'because', details: { mode: 'retried', ids: ['a', 'b'] } });
  expect(entry).toEqual({ id: expect.stringMatching(/^[1-9]\d*$/), actor: 'token', action, target: 'job-1', reason: 'because', details: { mode: 'retried', ids: ['a', 'b'] }, at: expect.any(Date) });
  expect(JSON.parse(JSON.stringify(entry)).id).toBe(entry.id);
});

test('pages go newest first and continue before the last id', async () => {
  const target = `page-${randomUUID()}`;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await insertAuditEntry(db, { actor: 'token', action, target })).id);
  const first = await listAuditEntries(db, { limit: 2, action, target });
  expect(first.map((e) => e.id)).toEqual([ids[2], ids[1]]);
  const last = first[1];
  if (!last) throw new Error('expected two entries on the first page');
  const next = await listAuditEntries(db, { limit: 2, action, target, before: last.id });
  expect(next.map((e) => e.id)).toEqual([ids[0]]);
});

test('counts entries whose details carry key = value at the top level only', async () => {
  const root = `root-${randomUUID()}`;
  await transaction(db, async (tx) => {
    await insertAuditEntry(tx, { actor: 'token', action, target: 't', details: { rootJobId: root, n: 1 } });
    await insertAuditEntry(tx, { actor: 'token', action, target: 't', details: { rootJobId: root } });
    await insertAuditEntry(tx, { actor: 'token', action, target: 't', details: { nested: { rootJobId: root } } });
    await insertAuditEntry(tx, { actor: 'token', action: `${action}.other`, target: 't', details: { rootJobId: root } });
  });
  expect(await countAuditEntries(db, { action, key: 'rootJobId', value: root })).toBe(2);
  expect(await countAuditEntries(db, { action, key: 'rootJobId', value: 'nothing' })).toBe(0);
  await db.deleteFrom('audit_entries').where('action', '=', `${action}.other`).execute();
});
