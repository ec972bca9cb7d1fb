import { randomBytes, randomUUID } from 'node:crypto';
import { applyMigrations, createDatabase, createInboundEventRecorder, createPool, dropDatabase, ensureDatabase, isDatabaseUnavailable, recordInboundEvents, type Database, type NewInboundEvent, type Pool } from '@switchyard/db';
import { inboundEventFixture } from '@switchyard/testing';

// Group commit at ingest (createInboundEventRecorder, what the receiver stores deliveries with) against
// the real database: concurrent deliveries share one statement and one commit; duplicates inside one
// batch and across batches each count as a delivery; a poison payload fails only its own delivery; a
// batch cut off mid-statement stores nothing, and delivering again stores each event once.
// A database of its own: the counts are of every row.
let url: string;
let pool: Pool;
let admin: Pool;
let db: Database;
/** Connections the recorder took from its pool: one per ingest statement (a batch is one statement). */
let statements = 0;

beforeAll(async () => {
  url = `${(process.env.TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '')}/switchyard_own_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  await applyMigrations(url);
  pool = createPool({ url, poolSize: 4 });
  admin = createPool({ url, poolSize: 4 }); // two held keys, the lock watcher and the counts
  db = createDatabase({ url, pool });
  pool.on('acquire', () => statements++);
});
afterAll(async () => {
  await db.destroy();
  await admin.end();
  await dropDatabase(url);
});
beforeEach(async () => {
  statements = 0;
  await admin.query('TRUNCATE inbound_events, outbox_entries, attention_items CASCADE');
});

const delivery = (providerEventId: string, over: Partial<NewInboundEvent> = {}) => inboundEventFixture(providerEventId, over);

async function stored(): Promise<{ provider_event_id: string; deliveries: number; outbox: number }[]> {
  const { rows } = await admin.query(
    `SELECT e.provider_event_id, e.deliveries, (SELECT count(*) FROM outbox_entries o WHERE o.event_id = e.id)::int AS outbox FROM inbound_events e ORDER BY e.provider_event_id`,
  );
  return rows;
}

test('concurrent deliveries share statements: 40 deliveries, each answered with its own events, in far fewer commits', async () => {
  const record = createInboundEventRecorder(db, { maxDeliveries: 64, maxInFlight: 1 });
  const ids = Array.from({ length: 40 }, (_, i) => `evt_${String(i).padStart(2, '0')}`);
  // Deliveries of one and of two events (a provider batch), all at once.
  const answers = await Promise.all(ids.map((id, i) => record(i % 2 ? [delivery(id)] : [delivery(id), delivery(`${id}_b`)])));
  answers.forEach((events, i) => {
    const id = ids[i] ?? '';
    expect(events.map((e) => [e.providerEventId, e.inserted])).toEqual(i % 2 ? [[id, true]] : [[id, true], [`${id}_b`, true]]);
  });
  expect(await stored()).toHaveLength(60);
  expect((await stored()).every((r) => r.deliveries === 1 && r.outbox === 1)).toBe(true);
  // The first delivery leaves alone; the other 39 arrived during its commit and share the next.
  expect(statements).toBe(2);
});

test('a duplicate inside one batch is one row with both deliveries counted; a duplicate in a later batch counts too', async () => {
  const record = createInboundEventRecorder(db, { maxDeliveries: 64, maxInFlight: 1 });
  const [opener, first, copy, other] = await Promise.all([record([delivery('evt_opener')]), record([delivery('evt_dup')]), record([delivery('evt_dup')]), record([delivery('evt_other')])]);
  expect(statements).toBe(2); // the opener, then the three that waited, together
  expect(opener?.[0]?.inserted).toBe(true);
  expect(first?.[0]).toMatchObject({ providerEventId: 'evt_dup', inserted: true, deliveries: 2 });
  expect(copy?.[0]).toMatchObject({ providerEventId: 'evt_dup', inserted: false, deliveries: 2, id: first?.[0]?.id });
  expect(other?.[0]?.inserted).toBe(true);
  const [later] = await Promise.all([record([delivery('evt_dup')])]);
  expect(later?.[0]).toMatchObject({ inserted: false, deliveries: 3, id: first?.[0]?.id });
  expect(await stored()).toEqual([
    { provider_event_id: 'evt_dup', deliveries: 3, outbox: 1 },
    { provider_event_id: 'evt_opener', deliveries: 1, outbox: 1 },
    { provider_event_id: 'evt_other', deliveries: 1, outbox: 1 },
  ]);
});

test('the same event twice in one delivery: one row, two deliveries, the second answered as a duplicate', async () => {
  const [a, b] = await recordInboundEvents(db, [delivery('evt_twice'), delivery('evt_twice')]);
  expect([a?.inserted, b?.inserted, b?.id]).toEqual([true, false, a?.id]);
  expect(await stored()).toEqual([{ provider_event_id: 'evt_twice', deliveries: 2, outbox: 1 }]);
});

test('a poison payload fails only its own delivery: its neighbours in the batch are stored and answered', async () => {
  const record = createInboundEventRecorder(db, { maxDeliveries: 64, maxInFlight: 1 });
  // Postgres's jsonb refuses \u0000; the statement that carries it fails as a whole.
  const results = await Promise.allSettled([
    record([delivery('evt_opener')]),
    record([delivery('evt_good_1')]),
    record([delivery('evt_poison', { payload: { note: 'nul \u0000 inside' } })]),
    record([delivery('evt_good_2')]),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/unsupported Unicode escape sequence|\\u0000/);
  expect((await stored()).map((r) => r.provider_event_id)).toEqual(['evt_good_1', 'evt_good_2', 'evt_opener']);
});

/** Holds an uncommitted row under the event's key, as a concurrent writer would: a statement storing that key waits. */
async function holdKey(providerEventId: string) {
  const client = await admin.connect();
  await client.query('BEGIN');
  await client.query(`INSERT INTO inbound_events (id, provider, connection, provider_event_id, type) VALUES ($1, 'stripe', 'default', $2, 'held')`, [randomUUID(), providerEventId]);
  return {
    release: async () => {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

async function backendWaitingOnLock(): Promise<number> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO inbound_events%'`);
    if (rows[0]) return rows[0].pid as number;
  }
  throw new Error('no ingest statement came to wait on the held key');
}

test('a batch cut off mid-statement (its connection killed) stores nothing and answers every caller; delivering again stores each once', async () => {
  const record = createInboundEventRecorder(db, { maxDeliveries: 64, maxInFlight: 1 });
  const holdOpener = await holdKey('evt_opener');
  const holdB = await holdKey('evt_b');
  try {
    // The opener's statement waits on its held key, so the next two deliveries queue and form one batch.
    const opener = record([delivery('evt_opener')]);
    await backendWaitingOnLock();
    const batch = Promise.allSettled([record([delivery('evt_a'), delivery('evt_b')]), record([delivery('evt_c')])]);
    await holdOpener.release();
    await opener;
    // The batch's statement now waits on evt_b: end its connection there, as a crash or a Postgres restart would.
    await admin.query('SELECT pg_terminate_backend($1)', [await backendWaitingOnLock()]);
    const results = await batch;
    expect(statements).toBe(2);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) expect(isDatabaseUnavailable((r as PromiseRejectedResult).reason)).toBe(true);
  } finally {
    await holdB.release();
  }
  expect((await stored()).map((r) => r.provider_event_id)).toEqual(['evt_opener']); // nothing of the batch half-stored
  // Nobody was answered, so the provider delivers again: each event is stored once.
  await Promise.all([record([delivery('evt_a'), delivery('evt_b')]), record([delivery('evt_c')])]);
  expect(await stored()).toEqual(['evt_a', 'evt_b', 'evt_c', 'evt_opener'].map((id) => ({ provider_event_id: id, deliveries: 1, outbox: 1 })));
});
