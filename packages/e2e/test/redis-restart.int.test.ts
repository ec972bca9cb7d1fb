import { buildWebhook } from '@switchyard/sandbox';
import { createOwnDatabase, eventually, must, OwnRedis } from '@switchyard/testing';
import { withChildLogs } from './support/child-workers';
import { startChildFleet, type ChildFleet } from './support/child-fleet';
import { countBy, receiptSubjects, type Send } from './support/receipts';

const EVENTS = 200;
const PER_SECOND = 15;
const STOP_AFTER = 50;
const DOWN_MS = 5000;
const SETTINGS = { crm: undefined, team: { notifications: [] } };

/**
 * Redis dies (SIGKILL) and comes back empty (no persistence) while payments flow through the
 * fleet, each app its own process. Nothing may die and nobody may restart anything: the receiver
 * keeps acknowledging (events are stored in Postgres), readiness goes false and comes back, and the
 * stale-work redriver re-drives what Redis lost, so every payment is processed and its receipt sent once.
 */
describe('Redis restart under load', () => {
  let redis: OwnRedis;
  let database: { url: string; drop(): Promise<void> };
  let fleet: ChildFleet;

  beforeAll(async () => {
    redis = new OwnRedis();
    await redis.start();
    database = await createOwnDatabase();
    fleet = await startChildFleet({ databaseUrl: database.url, redisUrl: redis.url, settings: SETTINGS, env: { EFFECT_PARK_AFTER_MS: '90000', REDRIVE_STALE_AFTER_MS: '3000', REDRIVE_INTERVAL_MS: '1000' } });
    await fleet.start();
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
    await database?.drop().catch(() => undefined);
    await redis?.stop();
  });

  it(`${EVENTS} payments at ${PER_SECOND}/s, Redis killed and back empty after ${DOWN_MS / 1000} s: no app exits, every payment acknowledged, processed, its receipt sent once`, async () => {
    const requests = receiptSubjects(EVENTS).map((subject) => buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiver.url }));
    const { answers, done: sending } = fleet.postAtRate(requests, PER_SECOND);
    await withChildLogs(fleet.children, async () => {
      await eventually(async () => answers.filter(Boolean).length >= STOP_AFTER || null, 60_000, 20, `${STOP_AFTER} payments answered`);
      await redis.stop();
      const stoppedAt = Date.now();
      await fleet.waitReadiness(503, 30_000);
      const rest = stoppedAt + DOWN_MS - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      await redis.start();
      await fleet.waitReadiness(200, 60_000);
      await sending;

      // Events are stored in Postgres before the answer: Redis being away refuses nothing. (A request
      // the loaded machine did not answer within the client's 10 s is retried, as a provider would.)
      expect(answers.filter((a) => a.status !== null && a.status !== 200)).toEqual([]);
      const retried = await fleet.postUntilAcknowledged(requests.filter((_, i) => must(answers[i]).status !== 200));
      expect(retried.filter((a) => a.status !== 200)).toEqual([]);
      console.log(`redis restart: ${EVENTS} payments, first try ${answers.filter((a) => a.status === 200).length} acknowledged, ${answers.filter((a) => a.status === null).length} unanswered within 10 s, all ${retried.length} retried acknowledged`);
      await fleet.settled(120_000);
      const { rows: events } = await fleet.pool.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM inbound_events WHERE provider = 'razorpay' GROUP BY 1`);
      expect(events).toEqual([{ status: 'processed', n: EVENTS }]);
      const { rows: effects } = await fleet.pool.query<{ id: string; status: string }>(`SELECT id::text, status::text FROM effects`);
      expect(effects.filter((e) => e.status !== 'done')).toEqual([]);
      const sends = countBy(
        (await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' })).map((r) => r.body as Send),
        (s) => s.biz_opaque_callback_data ?? '',
      );
      for (const e of effects) expect([e.id, sends.get(e.id) ?? 0]).toEqual([e.id, 1]);
      expect(effects).toHaveLength(EVENTS);
      expect(fleet.children.filter((c) => !c.running || c.incarnation !== 1).map((c) => c.label)).toEqual([]);
    });
  }, 300_000);
});
