import { randomBytes, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { applyMigrations, createDatabase, createPool, dispatchPendingOutbox, dropDatabase, ensureDatabase, type Database, type PendingOutboxEntry, type Pool } from '../src';

// The relay's batch (dispatchPendingOutbox) against the real database: what it costs in round
// trips, and that nothing is lost when the dispatch or the connection fails. A database of its own,
// because the claim takes whatever is pending, other test files' entries included.
let url: string;
let pool: Pool;
let admin: Pool;
let db: Database;
/** Every query sent on a client checked out of `pool` (one call = one round trip). */
const sent: string[] = [];

beforeAll(async () => {
  url = `${(process.env.TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '')}/switchyard_own_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  await applyMigrations(url);
  pool = createPool({ url, poolSize: 2 });
  admin = createPool({ url, poolSize: 1 });
  db = createDatabase({ url, pool });
  const counted = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => {
    if (counted.has(client)) return;
    counted.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [text] = args;
      sent.push(typeof text === 'string' ? text : String((text as { text?: string }).text));
      return query(...args);
    };
  });
});
afterAll(async () => {
  await db.destroy();
  await admin.end();
  await dropDatabase(url);
});
beforeEach(async () => {
  await db.deleteFrom('outbox_entries').execute();
  await db.deleteFrom('inbound_events').execute();
  sent.length = 0;
});

/** Stores `n` received events, each with its pending outbox entry; returns the event ids. */
async function storeEvents(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await db
    .insertInto('inbound_events')
    .values(ids.map((id) => ({ id, provider: 'razorpay', connection: 'default', provider_event_id: `evt_${id}`, type: 'payment.captured', status: 'received' as const, payload: '{}', headers: '{}' })))
    .execute();
  await db
    .insertInto('outbox_entries')
    .values(ids.map((id) => ({ event_id: id, queue: 'payments', job_name: 'payments.apply-event.v1', job_id: `payments.evt.${id}`, data: JSON.stringify({ eventId: id }) })))
    .execute();
  return ids;
}

async function pendingCount(): Promise<number> {
  const row = await db.selectFrom('outbox_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('dispatched_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function statuses(): Promise<string[]> {
  const rows = await db.selectFrom('inbound_events').select('status').execute();
  return [...new Set(rows.map((r) => r.status))];
}

it('a non-empty batch costs two round trips: BEGIN+claim, then mark+COMMIT; the entries are dispatched and their events queued', async () => {
  const ids = await storeEvents(3);
  sent.length = 0;
  const dispatched: PendingOutboxEntry[][] = [];
  const n = await dispatchPendingOutbox(db, { limit: 10, dispatch: async (entries) => void dispatched.push(entries) });
  expect(n).toBe(3);
  expect(sent).toHaveLength(2);
  expect(dispatched).toHaveLength(1);
  expect(dispatched[0]?.map((e) => e.eventId).sort()).toEqual([...ids].sort());
  expect(dispatched[0]?.[0]).toEqual(expect.objectContaining({ queue: 'payments', jobName: 'payments.apply-event.v1', data: expect.objectContaining({ eventId: expect.any(String) }) }));
  expect(await pendingCount()).toBe(0);
  expect(await statuses()).toEqual(['queued']);
});

it('an empty poll costs two round trips and dispatches nothing', async () => {
  const dispatch = jest.fn(async () => undefined);
  expect(await dispatchPendingOutbox(db, { limit: 10, dispatch })).toBe(0);
  expect(sent).toHaveLength(2);
  expect(dispatch).not.toHaveBeenCalled();
});

it('claims at most `limit` entries, oldest first, and the rest stay pending', async () => {
  await storeEvents(5);
  expect(await dispatchPendingOutbox(db, { limit: 2, dispatch: async () => undefined })).toBe(2);
  expect(await pendingCount()).toBe(3);
});

it('a failing dispatch rolls back: the error reaches the caller, the entries stay pending, their events received, the connection is reusable', async () => {
  await storeEvents(3);
  await expect(dispatchPendingOutbox(db, { limit: 10, dispatch: () => Promise.reject(new Error('redis is down')) })).rejects.toThrow('redis is down');
  expect(await pendingCount()).toBe(3);
  expect(await statuses()).toEqual(['received']);
  expect(await dispatchPendingOutbox(db, { limit: 10, dispatch: async () => undefined })).toBe(3);
});

it('a second relay skips the entries the first holds instead of waiting for them', async () => {
  await storeEvents(4);
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let claimedFirst: () => void = () => undefined;
  const firstClaimed = new Promise<void>((resolve) => (claimedFirst = resolve));
  const first = dispatchPendingOutbox(db, {
    limit: 2,
    dispatch: async () => {
      claimedFirst();
      await held;
    },
  });
  await firstClaimed;
  const second: PendingOutboxEntry[] = [];
  expect(await dispatchPendingOutbox(db, { limit: 10, dispatch: async (entries) => void second.push(...entries) })).toBe(2);
  release();
  expect(await first).toBe(2);
  expect(second).toHaveLength(2);
  expect(await pendingCount()).toBe(0);
});

it('a connection cut while the entries are held rejects, leaves them pending, and the pool serves the next batch', async () => {
  await storeEvents(2);
  await expect(
    dispatchPendingOutbox(db, {
      limit: 10,
      dispatch: async () => {
        // The holder of the claim is the only backend with a lock on outbox_entries rows.
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'outbox_entries' AND l.mode = 'RowShareLock' AND l.pid <> pg_backend_pid()`,
        );
        const [holder] = rows;
        if (!holder) throw new Error('expected the claim to hold a lock on outbox_entries, found none');
        await admin.query('SELECT pg_terminate_backend($1)', [holder.pid]);
      },
    }),
  ).rejects.toThrow(/terminat|connection|ECONNRESET/i);
  expect(await pendingCount()).toBe(2);
  expect(await dispatchPendingOutbox(db, { limit: 10, dispatch: async () => undefined })).toBe(2);
});
