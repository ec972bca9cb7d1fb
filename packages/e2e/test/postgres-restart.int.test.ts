import { buildWebhook } from '@switchyard/sandbox';
import { createOwnDatabase, eventually, must, OwnPostgres } from '@switchyard/testing';
import { withChildLogs } from './support/child-workers';
import { startChildFleet, type ChildFleet } from './support/child-fleet';
import { countBy, receiptSubjects, type Send } from './support/receipts';

const EVENTS = 300;
const PER_SECOND = 15;
/** Payments sent before Postgres goes away, and how long it stays away. */
const STOP_AFTER = 60;
const DOWN_MS = 10_000;
// Receipts only: every outbound call is a WhatsApp send, which must happen once.
const SETTINGS = { crm: undefined, team: { notifications: [] } };

/**
 * Postgres is stopped the hard way (immediate: every connection cut, mid-transaction included) and
 * started again while payments flow through the fleet, each app its own process. Nothing may die
 * and nobody may restart anything: readiness goes false and comes back, the receiver answers 503
 * while it cannot store, and afterwards every acknowledged payment is processed and its receipt
 * sent exactly once.
 */
describe('Postgres restart under load', () => {
  let pg: OwnPostgres;
  let fleet: ChildFleet;

  beforeAll(async () => {
    pg = new OwnPostgres();
    await pg.start();
    const database = await createOwnDatabase(pg.serverUrl);
    // Unknown send outcomes wait for the status webhook (retried by the sandbox) well past the outage.
    fleet = await startChildFleet({ databaseUrl: database.url, settings: SETTINGS, env: { EFFECT_PARK_AFTER_MS: '90000' } });
    await fleet.start();
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
    await pg?.destroy();
  });

  it(`${EVENTS} payments at ${PER_SECOND}/s, Postgres stopped (immediate) for ${DOWN_MS / 1000} s and started: no app exits, every acknowledged payment processed, every receipt sent once`, async () => {
    const requests = receiptSubjects(EVENTS).map((subject) => buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiver.url }));
    const outage = { stoppedAt: 0, notReadyAt: 0, startedAt: 0, readyAt: 0 };
    // Readiness is measured, not asserted on the spot, so that a run where apps die still reports its figures.
    const readiness = { whileDown: '', afterStart: '' };
    const measure = (p: Promise<unknown>) => p.then(() => '', (err: Error) => err.message);

    const { answers, done: sending } = fleet.postAtRate(requests, PER_SECOND);
    await withChildLogs(fleet.children, async () => {
      await eventually(async () => answers.filter(Boolean).length >= STOP_AFTER || null, 60_000, 20, `${STOP_AFTER} payments answered`);
      await pg.stop('immediate');
      outage.stoppedAt = Date.now();
      // Every app notices (the positive signal that the outage reached them), and stays up.
      readiness.whileDown = await measure(fleet.waitReadiness(503, DOWN_MS));
      outage.notReadyAt = Date.now();
      const rest = outage.stoppedAt + DOWN_MS - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      await pg.start();
      outage.startedAt = Date.now();
      readiness.afterStart = await measure(fleet.waitReadiness(200, 60_000));
      outage.readyAt = Date.now();
      await sending;
    });

    const firstTry = { acked: answers.filter((a) => a.status === 200).length, refused: answers.filter((a) => a.status !== null && a.status !== 200), unanswered: answers.filter((a) => a.status === null) };
    // The provider retries what was refused or went unanswered until it is acknowledged.
    const retried = await fleet.postUntilAcknowledged(requests.filter((_, i) => must(answers[i]).status !== 200));

    // Settled, by no one's hand: no event, effect or outbox entry left unfinished.
    const settleStart = Date.now();
    const settled = await fleet.settled(90_000).then(
      () => true,
      (err: Error) => {
        console.log(err.message);
        return false;
      },
    );

    const alive = fleet.children.filter((c) => c.running && c.incarnation === 1);
    const crashed = fleet.children.flatMap((c) => c.lines.filter((l) => /Unhandled 'error' event|uncaught/i.test(l.text)).slice(0, 3).map((l) => `${c.label}: ${l.text}`));
    const { rows: events } = await fleet.pool.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM inbound_events WHERE provider = 'razorpay' GROUP BY 1 ORDER BY 1`);
    const { rows: effects } = await fleet.pool.query<{ id: string; status: string }>(`SELECT id::text, status::text FROM effects`);
    const sends = (await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' })).map((r) => r.body as Send);
    const sendsByEffect = countBy(sends, (s) => s.biz_opaque_callback_data ?? '');
    console.log(
      [
        `postgres restart: ${EVENTS} payments at ${PER_SECOND}/s; Postgres stopped (immediate) after ${STOP_AFTER}, down ${((outage.startedAt - outage.stoppedAt) / 1000).toFixed(1)} s`,
        `  readiness: ${readiness.whileDown || `every app not ready ${((outage.notReadyAt - outage.stoppedAt) / 1000).toFixed(1)} s after the stop`}; ${readiness.afterStart || `every app ready again ${((outage.readyAt - outage.startedAt) / 1000).toFixed(1)} s after the start`}`,
        `  first try: ${firstTry.acked} acknowledged, ${firstTry.refused.length} refused (${firstTry.refused.filter((a) => a.status === 503 && a.retryAfter).length} with 503 + Retry-After), ${firstTry.unanswered.length} unanswered (connection closed, or no answer within 10 s); retried until acknowledged: ${retried.filter((a) => a.status === 200).length} of ${retried.length}`,
        `  afterwards (${settled ? `settled in ${((Date.now() - settleStart) / 1000).toFixed(1)} s` : 'NOT settled within 90 s'}): events ${JSON.stringify(events)}, effects ${effects.length} (${effects.filter((e) => e.status === 'done').length} done), ${sends.length} WhatsApp sends for ${sendsByEffect.size} effects`,
        `  unanswered: ${JSON.stringify([...new Set([...firstTry.unanswered, ...retried.filter((a) => a.status === null)].map((a) => a.error))])}`,
        `  processes alive: ${alive.length} of ${fleet.children.length} (${fleet.children.map((c) => `${c.label} ${c.running ? 'up' : 'DEAD'}`).join(', ')})${crashed.length ? `; ${crashed.join(' | ')}` : ''}`,
      ].join('\n'),
    );

    await withChildLogs(fleet.children, async () => {
      // While Postgres was away every answer the receiver gave was a refusal with a time to retry.
      expect(firstTry.refused.filter((a) => a.status !== 503 || !a.retryAfter)).toEqual([]);
      expect(retried.filter((a) => a.status !== 200)).toEqual([]);
      expect(crashed).toEqual([]);
      expect(readiness).toEqual({ whileDown: '', afterStart: '' });
      expect(alive.map((c) => c.label)).toEqual(fleet.children.map((c) => c.label));
      expect(settled).toBe(true);
      expect(events).toEqual([{ status: 'processed', n: EVENTS }]);
      expect(effects).toHaveLength(EVENTS);
      expect(effects.filter((e) => e.status !== 'done')).toEqual([]);
      for (const e of effects) expect([e.id, sendsByEffect.get(e.id) ?? 0]).toEqual([e.id, 1]);
      expect(sends).toHaveLength(EVENTS);
    });
  }, 420_000);
});
