import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createDatabase, createDb, createPool, recordInboundEvents, RETENTION_LOCK_KEY, type Database, type Pool, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { createOwnDatabase, inboundEventFixture } from '@switchyard/testing';
import { RetentionRunner, type RetentionPolicy } from '../src/retention-runner';

// Retention reads the whole database, so it runs on a database of its own.
let own: { url: string; drop(): Promise<void> };
let pool: Pool;
let db: PrismaClient;
let database: Database;
const logger = createLogger({ service: 'retention-test', level: 'error', stream: new Writable({ write: (_c, _e, cb) => cb() }) });
const policy: RetentionPolicy = { payloadDays: 30, dispatchedOutboxMinutes: 60, auditDays: 365, batchSize: 1000, intervalSeconds: 60 };
const DAY = 86_400_000;

beforeAll(async () => {
  own = await createOwnDatabase();
  pool = createPool({ url: own.url, poolSize: 4 });
  db = createDb({ url: own.url, pool });
  database = createDatabase({ url: own.url, pool });
});
afterAll(async () => {
  await db.$disconnect();
  await pool.end();
  await own.drop();
});
beforeEach(async () => {
  await db.$executeRawUnsafe('TRUNCATE inbound_events, outbox_entries, effects, audit_entries');
});

const event = (providerEventId: string) => inboundEventFixture(providerEventId, { payload: { id: providerEventId, customer: { email: 'ada@example.com', phone: '+15550001111' } } });

/** Stores events as ingest does, received `ageDays` ago. */
async function ingest(ids: string[], ageDays: number): Promise<string[]> {
  const rows = await recordInboundEvents(database, ids.map(event));
  await db.$executeRawUnsafe(`UPDATE inbound_events SET received_at = now() - make_interval(days => $2) WHERE id = ANY($1::uuid[])`, rows.map((r) => r.id), ageDays);
  return rows.map((r) => r.id);
}

const payloads = async () =>
  Object.fromEntries((await db.inboundEvent.findMany({ select: { providerEventId: true, payload: true, headers: true, payloadDroppedAt: true } })).map((e) => [e.providerEventId, e.payload === null && e.headers === null && e.payloadDroppedAt !== null ? 'dropped' : 'kept']));

async function counter(registry: Registry, table: string, action: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'switchyard_retention_rows_total');
  return metric?.values.find((v) => v.labels.table === table && v.labels.action === action)?.value ?? 0;
}

describe('retention', () => {
  it('drops payloads and headers after payloadDays, keeps the row, and a redelivery afterwards is still a duplicate', async () => {
    await ingest(['evt_old'], 31);
    await ingest(['evt_new'], 29);
    const metrics = new Registry();
    const result = await new RetentionRunner({ database, logger, policy: () => policy, metrics }).tick();

    expect(result['inbound_events.payload_dropped']).toBe(1);
    expect(await payloads()).toEqual({ evt_old: 'dropped', evt_new: 'kept' });
    const old = await db.inboundEvent.findFirstOrThrow({ where: { providerEventId: 'evt_old' } });
    expect(old.canonical).toEqual({ type: 'payment.succeeded', amount: 1200 });
    expect(await counter(metrics, 'inbound_events', 'payload_dropped')).toBe(1);

    // The provider redelivers the old event months later: recognised, nothing enqueued again.
    const outboxBefore = await db.outboxEntry.count();
    const [again] = await recordInboundEvents(database, [event('evt_old')]);
    expect(again).toMatchObject({ id: old.id, inserted: false, deliveries: 2 });
    expect(await db.outboxEntry.count()).toBe(outboxBefore);
    expect((await db.inboundEvent.findUniqueOrThrow({ where: { id: old.id } })).payload).toBeNull();
  });

  it('works in batches of batchSize until nothing is left', async () => {
    await ingest(['b1', 'b2', 'b3', 'b4', 'b5'], 40);
    const metrics = new Registry();
    const result = await new RetentionRunner({ database, logger, policy: () => ({ ...policy, batchSize: 2 }), metrics }).tick();
    expect(result['inbound_events.payload_dropped']).toBe(5);
    expect(Object.values(await payloads())).toEqual(['dropped', 'dropped', 'dropped', 'dropped', 'dropped']);
    expect(await counter(metrics, 'inbound_events', 'payload_dropped')).toBe(5);
  });

  it('deletes dispatched outbox entries of settled work only, and audit entries after auditDays', async () => {
    const [processed, queued, dead] = await ingest(['settled', 'unfinished', 'dead'], 0);
    await db.$executeRawUnsafe(`UPDATE inbound_events SET status = 'processed' WHERE id = $1::uuid`, processed);
    await db.$executeRawUnsafe(`UPDATE inbound_events SET status = 'queued' WHERE id = $1::uuid`, queued);
    await db.$executeRawUnsafe(`UPDATE inbound_events SET status = 'dead' WHERE id = $1::uuid`, dead);
    await db.$executeRawUnsafe(`UPDATE outbox_entries SET dispatched_at = now() - interval '2 hours'`);
    const effect = async (status: 'done' | 'pending', dispatchedAgo: string) => {
      const id = randomUUID();
      await db.effect.create({ data: { id, kind: 'test.retention', businessKey: id, status, queue: 'crm', provider: 'hubspot', connection: 'default', idempotencyKey: id, entityType: 't', entityKey: id, request: {} } });
      await db.$executeRawUnsafe(`INSERT INTO outbox_entries (queue, job_name, job_id, data, dispatched_at) VALUES ('crm', 'crm.perform-effect.v1', $1, jsonb_build_object('effectId', $1::text), now() - $2::interval)`, id, dispatchedAgo);
      return id;
    };
    const doneEffect = await effect('done', '2 hours');
    const pendingEffect = await effect('pending', '2 hours');
    const recentDone = await effect('done', '5 minutes');
    await db.$executeRawUnsafe(`INSERT INTO outbox_entries (queue, job_name, job_id, data) VALUES ('crm', 'crm.perform-effect.v1', 'never-dispatched', '{}')`);
    await db.auditEntry.create({ data: { actor: 'ops', action: 'old', target: 'x', at: new Date(Date.now() - 366 * DAY) } });
    await db.auditEntry.create({ data: { actor: 'ops', action: 'recent', target: 'x', at: new Date(Date.now() - 364 * DAY) } });

    const metrics = new Registry();
    const result = await new RetentionRunner({ database, logger, policy: () => policy, metrics }).tick();

    const left = await db.outboxEntry.findMany({ select: { eventId: true, jobId: true, data: true } });
    const leftKeys = left.map((o) => o.eventId ?? (o.data as { effectId?: string }).effectId ?? o.jobId).sort();
    expect(leftKeys).toEqual([queued, dead, pendingEffect, recentDone, 'never-dispatched'].sort());
    expect(leftKeys).not.toContain(processed);
    expect(leftKeys).not.toContain(doneEffect);
    expect(result['outbox_entries.deleted']).toBe(2);
    expect((await db.auditEntry.findMany()).map((a) => a.action)).toEqual(['recent']);
    expect(result['audit_entries.deleted']).toBe(1);
    expect(await counter(metrics, 'outbox_entries', 'deleted')).toBe(2);
    expect(await counter(metrics, 'audit_entries', 'deleted')).toBe(1);
  });

  it('one replica at a time: while another holds the retention lock, a tick changes nothing', async () => {
    await ingest(['locked_out'], 40);
    const other = await pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1::bigint)', [RETENTION_LOCK_KEY.toString()]);
      const result = await new RetentionRunner({ database, logger, policy: () => policy }).tick();
      expect(result.busy).toBe(1);
      expect(await payloads()).toEqual({ locked_out: 'kept' });
      await other.query('SELECT pg_advisory_unlock($1::bigint)', [RETENTION_LOCK_KEY.toString()]);
    } finally {
      other.release();
    }
    expect((await new RetentionRunner({ database, logger, policy: () => policy }).tick()).busy).toBeUndefined();
    expect(await payloads()).toEqual({ locked_out: 'dropped' });
  });

  it('never waits for a row a delivery is updating: it skips it and takes it next time', async () => {
    await ingest(['in_flight', 'idle'], 40);
    const delivery = await pool.connect();
    try {
      await delivery.query('BEGIN');
      // A duplicate delivery of this event holds its row lock (ON CONFLICT DO UPDATE) right now.
      await delivery.query(`UPDATE inbound_events SET deliveries = deliveries + 1 WHERE provider_event_id = 'in_flight'`);
      const result = await new RetentionRunner({ database, logger, policy: () => policy }).tick();
      expect(result['inbound_events.payload_dropped']).toBe(1);
      await delivery.query('COMMIT');
    } finally {
      delivery.release();
    }
    expect(await payloads()).toEqual({ in_flight: 'kept', idle: 'dropped' });
    await new RetentionRunner({ database, logger, policy: () => policy }).tick();
    expect(await payloads()).toEqual({ in_flight: 'dropped', idle: 'dropped' });
  });
});
