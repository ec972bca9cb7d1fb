import { execFileSync } from 'node:child_process';
import { createPool, type Pool } from '@switchyard/db';
import { createRedis, Queue, registry, type Redis, queuePrefix } from '@switchyard/queues';
import { buildWebhook, type Subject } from '@switchyard/sandbox';
import { createOwnDatabase, eventually, must, OwnRedis } from '@switchyard/testing';
import { withChildLogs } from './support/child-workers';
import { startChildFleet, type ChildFleet } from './support/child-fleet';
import { receiptSubjects, type Send } from './support/receipts';

// Receipts only: one payment → one WhatsApp send, which must happen exactly once.
const SETTINGS = { crm: undefined, team: { notifications: [] } };

/**
 * The server cuts one connection (pg_terminate_backend: what a failover or a restart does to it)
 * while an app is inside a transaction of each kind. The test makes the transaction wait on a lock
 * it holds, so the backend is reliably mid-transaction when it is killed; then lets go. The app
 * must stay up, and the work must complete exactly once after its retry, with nobody's help.
 */
describe('a connection killed from the server side mid-transaction', () => {
  let redis: OwnRedis;
  let database: { url: string; drop(): Promise<void> };
  let fleet: ChildFleet;
  let admin: Pool;
  let queueRedis: Redis;
  let whatsappQueue: Queue;
  const people = receiptSubjects(5);

  beforeAll(async () => {
    // Its own Redis: the relay case pauses Redis writes (CLIENT PAUSE), which nobody else may see.
    redis = new OwnRedis();
    await redis.start();
    database = await createOwnDatabase();
    fleet = await startChildFleet({ databaseUrl: database.url, redisUrl: redis.url, settings: SETTINGS, env: { EFFECT_PARK_AFTER_MS: '90000' } });
    await fleet.start();
    admin = createPool({ url: database.url, poolSize: 3 });
    queueRedis = createRedis(redis.url, 'worker');
    whatsappQueue = new Queue(registry.whatsapp.name, { connection: queueRedis, prefix: queuePrefix(fleet.prefix, registry.whatsapp.name) });
  }, 180_000);

  afterAll(async () => {
    await whatsappQueue?.close();
    queueRedis?.disconnect();
    await fleet?.close();
    await admin?.end();
    await database?.drop().catch(() => undefined);
    await redis?.stop();
  });

  /** Opens a transaction on a connection of the test's own and runs `sql` in it; `release` rolls it back. */
  async function hold(sql: string, values: unknown[] = []): Promise<{ release(): Promise<void> }> {
    const client = await admin.connect();
    await client.query('BEGIN');
    await client.query(sql, values);
    return {
      async release() {
        await client.query('ROLLBACK');
        client.release();
      },
    };
  }

  /** Waits for an app's backend running `pattern` (waiting on a lock, or idle inside its transaction) and terminates it. */
  async function killBackend(pattern: string, how: 'waiting on a lock' | 'idle in transaction'): Promise<string> {
    const condition = how === 'waiting on a lock' ? `wait_event_type = 'Lock'` : `state = 'idle in transaction'`;
    return eventually(
      async () => {
        const { rows } = await admin.query<{ pid: number; query: string }>(
          `SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE $1 AND ${condition}`,
          [pattern],
        );
        const target = rows[0];
        if (!target) return null;
        const { rows: killed } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [target.pid]);
        return killed[0]?.ok ? target.query.replace(/\s+/g, ' ').slice(0, 120) : null;
      },
      20_000,
      20,
      `a backend ${how} on ${pattern}`,
    );
  }

  function paymentFor(subject: Subject) {
    return buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiver.url });
  }

  async function effectOf(subject: Subject): Promise<{ id: string; status: string } | undefined> {
    const { rows } = await admin.query<{ id: string; status: string }>(`SELECT id::text, status::text FROM effects WHERE request->>'to' = $1`, [subject.phone]);
    return rows[0];
  }

  /** The payment is processed, its receipt done and sent exactly once, and every app is still its first incarnation. */
  async function expectDoneOnce(subject: Subject): Promise<void> {
    await fleet.settled(60_000);
    const effect = await effectOf(subject);
    expect(effect?.status).toBe('done');
    const sends = (await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' })).map((r) => r.body as Send).filter((s) => s.to === subject.phone);
    expect(sends.map((s) => s.biz_opaque_callback_data)).toEqual([must(effect).id]);
    const { rows } = await admin.query<{ status: string }>(`SELECT status::text FROM inbound_events WHERE payload::text LIKE $1`, [`%${subject.razorpay.payment}%`]);
    expect(rows).toEqual([{ status: 'processed' }]);
    expect(fleet.children.filter((c) => !c.running || c.incarnation !== 1).map((c) => c.label)).toEqual([]);
  }

  it('ingest (receiver): the webhook is refused with 503, the provider retries, stored once', async () => {
    const subject = must(people[0]);
    await withChildLogs(fleet.children, async () => {
      const lock = await hold('LOCK TABLE inbound_events IN SHARE MODE');
      const answering = fleet.post(paymentFor(subject));
      await killBackend('%INSERT INTO inbound_events%', 'waiting on a lock');
      await lock.release();
      const answer = await answering;
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBeTruthy();
      expect((await fleet.post(paymentFor(subject))).status).toBe(200);
      await expectDoneOnce(subject);
    });
  }, 120_000);

  it('relay (outbox → Redis): the claim is rolled back and dispatched again, the job runs once', async () => {
    const subject = must(people[1]);
    await withChildLogs(fleet.children, async () => {
      // Redis holds the relay's addBulk, so its transaction stays open with the entries claimed.
      execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'PAUSE', '10000', 'WRITE']);
      try {
        expect((await fleet.post(paymentFor(subject))).status).toBe(200);
        await killBackend('%FROM outbox_entries WHERE dispatched_at IS NULL%', 'idle in transaction');
      } finally {
        execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'UNPAUSE']);
      }
      await expectDoneOnce(subject);
    });
  }, 120_000);

  it('apply (payments worker, under the payment row lock): the job retries, the payment is applied once', async () => {
    const subject = must(people[2]);
    const key = `razorpay:default:${subject.razorpay.payment}`;
    await withChildLogs(fleet.children, async () => {
      // The payment exists (as an earlier event would have left it), so the event takes the locked path: BEGIN, lock, save.
      await admin.query(`INSERT INTO payments (key, provider, connection, payment_id, status) VALUES ($1, 'razorpay', 'default', $2, 'pending')`, [key, subject.razorpay.payment]);
      const lock = await hold('SELECT 1 FROM payments WHERE key = $1 FOR UPDATE', [key]);
      expect((await fleet.post(paymentFor(subject))).status).toBe(200);
      await killBackend('%from "payments" where "key" = $1 for update%', 'waiting on a lock');
      await lock.release();
      await expectDoneOnce(subject);
      const { rows } = await admin.query<{ status: string; facts: number }>(`SELECT status, jsonb_array_length(facts)::int AS facts FROM payments WHERE key = $1`, [key]);
      expect(rows).toEqual([{ status: 'succeeded', facts: 1 }]);
    });
  }, 120_000);

  it('intent (WhatsApp worker, before the send): the intent is rolled back, the message is sent once', async () => {
    const subject = must(people[3]);
    await withChildLogs(fleet.children, async () => {
      await whatsappQueue.pause();
      let lock: { release(): Promise<void> } | undefined;
      try {
        expect((await fleet.post(paymentFor(subject))).status).toBe(200);
        const effect = await eventually(() => effectOf(subject), 30_000, 50, 'the receipt to be planned');
        lock = await hold('SELECT 1 FROM effects WHERE id = $1::uuid FOR UPDATE', [effect.id]);
      } finally {
        await whatsappQueue.resume();
      }
      // The intent: markEffectSending (the query builder's text: status and values are parameters).
      await killBackend('%update "effects" set "status" = $1, "sent_at" = now()%', 'waiting on a lock');
      await lock.release();
      await expectDoneOnce(subject);
    });
  }, 120_000);

  it('outcome (WhatsApp worker, after the send): the outcome is recorded once, the message is never sent again', async () => {
    const subject = must(people[4]);
    await withChildLogs(fleet.children, async () => {
      // The send takes a while, so the outcome's row can be locked while the request is out.
      await fleet.addFault({ provider: 'whatsapp', method: 'POST', type: 'latency', latencyMs: 1500, count: 1 });
      expect((await fleet.post(paymentFor(subject))).status).toBe(200);
      const effect = await eventually(async () => {
        const e = await effectOf(subject);
        return e?.status === 'sending' ? e : null;
      }, 30_000, 20, 'the intent to be committed');
      const lock = await hold('SELECT 1 FROM effects WHERE id = $1::uuid FOR UPDATE', [effect.id]);
      await killBackend(`%SET status = 'done'%`, 'waiting on a lock');
      await lock.release();
      await expectDoneOnce(subject);
    });
  }, 120_000);
});
