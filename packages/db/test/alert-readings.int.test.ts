import { randomUUID } from 'node:crypto';
import { applyMigrations, countFailures, countParkedEffects, countStuckEvents, createDatabase, dropDatabase, ensureDatabase, msSinceLastEvent, type Database } from '../src';

// The alert readings on a database of their own (counts are global, so rows of other tests would
// change them): what each rule kind compares, from rows written as the fleet writes them.
let db: Database;
const url = (() => {
  const u = new URL(process.env.DATABASE_URL ?? '');
  u.pathname = `/switchyard_alert_readings_${randomUUID().slice(0, 8)}`;
  return u.toString();
})();

beforeAll(async () => {
  await ensureDatabase(url);
  await applyMigrations(url);
  db = createDatabase({ url, poolSize: 2 });
});
afterAll(async () => {
  await db.destroy();
  await dropDatabase(url);
});

const ago = (ms: number) => new Date(Date.now() - ms);

async function event(o: { status: 'received' | 'queued' | 'processing' | 'failed' | 'processed' | 'dead' | 'ignored'; receivedAt: Date; provider?: string; connection?: string }) {
  const id = randomUUID();
  await db
    .insertInto('inbound_events')
    .values({ id, provider: o.provider ?? 'stripe', connection: o.connection ?? 'default', provider_event_id: id, type: 't', status: o.status, received_at: o.receivedAt })
    .execute();
}

async function effect(status: 'pending' | 'done' | 'failed' | 'skipped' | 'parked', updatedAt = new Date()) {
  const id = randomUUID();
  await db
    .insertInto('effects')
    .values({ id, kind: 'team.notify', business_key: id, status, queue: 'crm', provider: 'http', connection: 'ops', idempotency_key: id, entity_type: 'alert', entity_key: 'r', request: '{}', updated_at: updatedAt })
    .execute();
}

test('stuck events: unfinished and older than the limit, whatever their unfinished status', async () => {
  await event({ status: 'queued', receivedAt: ago(20 * 60_000) });
  await event({ status: 'failed', receivedAt: ago(20 * 60_000) });
  await event({ status: 'processing', receivedAt: ago(11 * 60_000) });
  await event({ status: 'received', receivedAt: ago(60_000) });
  await event({ status: 'processed', receivedAt: ago(60 * 60_000) });
  await event({ status: 'dead', receivedAt: ago(60 * 60_000) });
  expect(await countStuckEvents(db, 10 * 60_000)).toBe(3);
  expect(await countStuckEvents(db, 15 * 60_000)).toBe(2);
  expect(await countStuckEvents(db, 30_000)).toBe(4);
});

test('failures in a window: effects by last change, events by receipt among the finished', async () => {
  await effect('done');
  await effect('done');
  await effect('skipped');
  await effect('failed');
  await effect('failed', ago(2 * 3_600_000));
  await effect('pending');
  await effect('parked');
  expect(await countFailures(db, { of: 'effects', windowMs: 3_600_000 })).toEqual({ failed: 1, finished: 4 });
  expect(await countFailures(db, { of: 'effects', windowMs: 3 * 3_600_000 })).toEqual({ failed: 2, finished: 5 });
  // The events of the previous test are older than 2 minutes except one still unfinished.
  await event({ status: 'dead', receivedAt: ago(1000) });
  await event({ status: 'processed', receivedAt: ago(1000) });
  await event({ status: 'ignored', receivedAt: ago(1000) });
  await event({ status: 'queued', receivedAt: ago(1000) });
  expect(await countFailures(db, { of: 'events', windowMs: 120_000 })).toEqual({ failed: 1, finished: 3 });
  expect(await countParkedEffects(db)).toBe(1);
});

test('silence: time since the connection\'s newest event, or since watching began when it never had one', async () => {
  await event({ status: 'processed', receivedAt: ago(3_600_000), provider: 'razorpay', connection: 'eu' });
  await event({ status: 'processed', receivedAt: ago(600_000), provider: 'razorpay', connection: 'eu' });
  await event({ status: 'processed', receivedAt: ago(1000), provider: 'razorpay', connection: 'us' });
  const eu = await msSinceLastEvent(db, { provider: 'razorpay', connection: 'eu', watchingSince: ago(5000) });
  expect(eu).toBeGreaterThanOrEqual(600_000);
  expect(eu).toBeLessThan(660_000);
  const never = await msSinceLastEvent(db, { provider: 'razorpay', connection: 'apac', watchingSince: ago(5000) });
  expect(never).toBeGreaterThanOrEqual(5000);
  expect(never).toBeLessThan(65_000);
});
