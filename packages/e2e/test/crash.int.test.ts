import { Queue, createRedis, registry, type Redis, queuePrefix } from '@switchyard/queues';
import { buildWebhook, mulberry32 } from '@switchyard/sandbox';
import { createLogger } from '@switchyard/logger';
import { captureLogs, eventually, listen, must } from '@switchyard/testing';
// The ops console is an app, not a library the e2e package depends on: start it from its source.
import { createDatabase, poolOf } from '@switchyard/db';
import { createServer as createOps } from '@switchyard/ops';
import { ChildWorker, withChildLogs, writeSettingsFile } from './support/child-workers';
import { countBy, receiptSubjects as subjects, type Send } from './support/receipts';
import { startFleet, type Fleet } from './support/fleet';

const EVENTS = 500;
const KILLS = 20;
// Receipts only: no CRM, no team alerts, so every outbound call is a WhatsApp send.
const SETTINGS = { crm: undefined, team: { notifications: [] } };
const OPS_TOKEN = 'e2e-ops-token-crash-0123456789abcdef';

type WhatsappState = { whatsapp: { messages: { to: string; statuses: string[] }[]; statusWebhooks: { status: number | null }[] } };

/**
 * The worker processes die the hard way, again and again, while payments flow: SIGKILL mid-job,
 * then a restart. Jobs come back after their lock expires and run again; the effect ledger must
 * turn "run again" into "done once". A receipt whose answer died with the worker is settled from
 * Meta's status webhook (it carries our effect id), never sent a second time.
 */
describe('crash: worker processes SIGKILLed mid-job', () => {
  let fleet: Fleet;
  let settingsFile: { file: string; remove(): void };
  let whatsapp: ChildWorker;
  let payments: ChildWorker;
  let redis: Redis;
  let queues: Record<'whatsapp' | 'payments', Queue>;

  beforeAll(async () => {
    fleet = await startFleet({ replicas: { whatsapp: 0, payments: 0 }, settings: SETTINGS });
    settingsFile = writeSettingsFile(fleet.sandboxUrl, SETTINGS);
    const common = { databaseUrl: fleet.databaseUrl, prefix: fleet.prefix, settingsFile: settingsFile.file };
    // Parked (outcome unknown) should only be a send that never reached Meta. Its status webhooks
    // can be held up by the kills themselves (a status job caught in a kill waits out the lock), so
    // this is well above a few kill cycles, and well below the default so the test ends.
    whatsapp = new ChildWorker({ ...common, app: 'whatsapp', env: { EFFECT_PARK_AFTER_MS: '6000' } });
    payments = new ChildWorker({ ...common, app: 'payments' });
    await Promise.all([whatsapp.start(), payments.start()]);
    redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
    queues = {
      whatsapp: new Queue(registry.whatsapp.name, { connection: redis, prefix: queuePrefix(fleet.prefix, registry.whatsapp.name) }),
      payments: new Queue(registry.payments.name, { connection: redis, prefix: queuePrefix(fleet.prefix, registry.payments.name) }),
    };
  }, 60_000);

  afterAll(async () => {
    await Promise.all([whatsapp?.stop(), payments?.stop()]);
    await Promise.all(Object.values(queues ?? {}).map((q) => q.close()));
    redis?.disconnect();
    settingsFile?.remove();
    await fleet?.close();
  });

  it(`${EVENTS} payments, ${KILLS} SIGKILLs mid-job: every event processed, every receipt sent exactly once`, async () => {
    const started = Date.now();
    const people = subjects(EVENTS);
    const requests = people.map((subject) => buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }));
    const rng = mulberry32(4242);

    type Kill = { target: string; incarnation: number; activeJobs: number; sendsInFlight: string[]; exit: string };
    const kills: Kill[] = [];
    const chunk = Math.ceil(EVENTS / KILLS);
    let waitedForRestartMs = 0;
    let loopDone = 0;
    // A killed worker restarts while the other one is the next victim, so the rounds do not wait for it.
    const ready = new Map<ChildWorker, Promise<void>>([
      [whatsapp, Promise.resolve()],
      [payments, Promise.resolve()],
    ]);
    const deliveries: Promise<{ delivered: boolean }[]>[] = [];

    await withChildLogs([whatsapp, payments], async () => {
      for (let i = 0; i < KILLS; i++) {
        // Kills alternate: the WhatsApp worker (intent sends) and the payments worker (event planning).
        const victim = i % 2 === 0 ? whatsapp : payments;
        const queue = victim === whatsapp ? queues.whatsapp : queues.payments;
        const waitFrom = Date.now();
        await ready.get(victim);
        waitedForRestartMs += Date.now() - waitFrom;
        const batch = requests.slice(i * chunk, (i + 1) * chunk);
        const since = new Date();
        const delivering = Promise.all(batch.map((r) => fleet.deliver(r)));
        deliveries.push(delivering);
        if (victim === payments) {
          // Planning a payment takes a few ms: the batch would be gone before a poll sees it. Held
          // back and released at once, it keeps the worker busy long enough to be caught mid-job.
          await queue.pause();
          await delivering;
          await eventually(async () => (await queue.getWaitingCount()) >= batch.length, 10_000, 10, 'the payments batch to be queued');
          await queue.resume();
        } else {
          await new Promise((r) => setTimeout(r, 100 + Math.floor(rng() * 300)));
        }
        // Kill only while this incarnation is inside a job: for WhatsApp, while a send it claimed is in flight;
        // for payments, while it holds a job's lock (its previous incarnation's locks expired long ago).
        const activeKey = `${queuePrefix(fleet.prefix, registry.payments.name)}:${registry.payments.name}:active`;
        const busy = await eventually(
          async () => {
            if (victim === whatsapp) {
              const rows = await fleet.db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM effects WHERE status = 'sending' AND sent_at >= $1`, since);
              return rows.length > 0 ? rows.map((r) => r.id) : null;
            }
            const active = await redis.lrange(activeKey, 0, -1);
            const held = await Promise.all(active.map((id) => redis.exists(`${queuePrefix(fleet.prefix, registry.payments.name)}:${registry.payments.name}:${id}:lock`)));
            return held.some(Boolean) ? [] : null;
          },
          15_000,
          victim === whatsapp ? 10 : 1,
          `${victim.label} to be mid-job before kill ${i + 1}`,
        ).catch(async (err: Error) => {
          const counts = { whatsapp: await queues.whatsapp.getJobCounts(), payments: await queues.payments.getJobCounts() };
          const events = await fleet.db.$queryRawUnsafe(`SELECT provider, status::text, count(*)::int AS n FROM inbound_events GROUP BY 1, 2`);
          const effectsNow = await fleet.db.$queryRawUnsafe(`SELECT status::text, count(*)::int AS n FROM effects GROUP BY 1`);
          throw new Error(`${err.message}; queues ${JSON.stringify(counts)}; events ${JSON.stringify(events)}; effects ${JSON.stringify(effectsNow)}`);
        });
        const activeJobs = await queue.getActiveCount();
        victim.kill('SIGKILL');
        const exit = await victim.waitExit(10_000);
        kills.push({ target: victim.label, incarnation: victim.incarnation, activeJobs, sendsInFlight: busy, exit: exit.signal ?? `code ${exit.code}` });
        const restarting = victim.start();
        restarting.catch(() => undefined);
        ready.set(victim, restarting);
      }
      await Promise.all(ready.values());
      loopDone = Date.now();
      deliveries.push(Promise.all(requests.slice(KILLS * chunk).map((r) => fleet.deliver(r))));
      const delivered = (await Promise.all(deliveries)).flat();
      expect(delivered.filter((d) => d.delivered)).toHaveLength(EVENTS);

      // Settled: every receipt's status webhooks came back and every event and effect is finished.
      await eventually(
        async () => {
          const state = (await fleet.sandboxState()) as WhatsappState;
          const { statusWebhooks, messages } = state.whatsapp;
          if (statusWebhooks.length < 3 * messages.length) throw new Error(`${statusWebhooks.length} status webhooks for ${messages.length} messages; short: ${JSON.stringify(messages.filter((m) => m.statuses.length < 3))}; failed deliveries ${JSON.stringify(statusWebhooks.filter((w) => w.status !== 200))}`);
          return true;
        },
        30_000,
        100,
        'the sandbox to deliver every status webhook',
      );
      await fleet.settled(60_000);
    });
    const duration = Date.now() - started;

    expect(kills).toHaveLength(KILLS);
    expect(kills.every((k) => k.exit === 'SIGKILL')).toBe(true);
    expect(kills.filter((k) => k.target === 'whatsapp').every((k) => k.sendsInFlight.length > 0)).toBe(true);

    const razorpay = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM inbound_events WHERE provider = 'razorpay'`);
    expect(must(razorpay[0]).n).toBe(EVENTS);
    const eventStatuses = await fleet.db.$queryRawUnsafe<{ status: string; n: number }[]>(`SELECT status::text, count(*)::int AS n FROM inbound_events GROUP BY status`);
    expect(eventStatuses.map((s) => s.status)).toEqual(['processed']);
    const rerunEvents = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM inbound_events WHERE attempts > 1`);

    const effects = await fleet.db.$queryRawUnsafe<{ id: string; kind: string; status: string; to: string; response: { reconciled?: boolean; reconciledFrom?: string } | null; attempts: number }[]>(
      `SELECT id::text, kind, status::text, request->>'to' AS to, response, attempts FROM effects`,
    );
    expect(effects).toHaveLength(EVENTS);
    expect(new Set(effects.map((e) => e.kind))).toEqual(new Set(['message.send']));

    // What Meta received, by our effect id (biz_opaque_callback_data) and by customer.
    const sends = (await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' })).map((r) => r.body as Send);
    const sendsByEffect = countBy(sends, (s) => s.biz_opaque_callback_data ?? '');
    const sendsByPhone = countBy(sends, (s) => s.to);

    // A send is never repeated. `parked` is allowed for exactly one case: the worker died after
    // committing the intent but before the request left, so no status webhook can ever settle it
    // and resending blindly is what the ledger forbids; those sends must really be absent.
    const parked = effects.filter((e) => e.status === 'parked');
    expect(effects.filter((e) => e.status !== 'done' && e.status !== 'parked')).toEqual([]);
    for (const e of effects) expect([e.id, sendsByEffect.get(e.id) ?? 0]).toEqual([e.id, e.status === 'done' ? 1 : 0]);
    expect(sends).toHaveLength(EVENTS - parked.length);
    expect([...sendsByPhone.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(people.map((p) => p.phone))).toEqual(new Set([...sendsByPhone.keys(), ...parked.map((e) => e.to)]));
    // Each intent was claimed once: a re-run job settles (from a status webhook) or parks, it never claims (and sends) again.
    expect(effects.filter((e) => e.attempts !== 1)).toEqual([]);
    const attention = await fleet.db.$queryRawUnsafe<{ entity_key: string }[]>(`SELECT entity_key FROM attention_items WHERE kind = 'effect_outcome_unknown' AND resolved_at IS NULL`);
    const flagged = new Set(attention.map((a) => a.entity_key));
    expect(parked.filter((e) => !flagged.has(e.id))).toEqual([]);
    // A send parked and then settled by its late status webhook leaves nothing open for a person.
    expect(attention.length).toBe(parked.length);

    // The kills cut sends in flight: some answers were lost and settled from the status webhooks.
    // `reconciled` / `reconciledFrom` are the stored response keys of a settled send (kept as stored).
    const settledSends = effects.filter((e) => e.status === 'done' && (e.response?.reconciledFrom || e.response?.reconciled));
    const killedInFlight = new Set(kills.flatMap((k) => k.sendsInFlight));
    expect(settledSends.filter((e) => killedInFlight.has(e.id)).length).toBeGreaterThan(0);

    // The person's part. A parked send is one whose worker died between committing the intent and
    // the request leaving: no status webhook can ever settle it. An operator lists the parked sends
    // in the ops console, checks with the provider (here its request log stands for WhatsApp
    // Manager or the customer: nothing arrived) and resolves each one `resend` with a reason. The
    // re-driven effect sends once; after that every receipt has gone out exactly once.
    const resolvedAt = Date.now();
    if (parked.length > 0) {
      const { stream } = captureLogs();
      const ops = await listen(createOps({ db: createDatabase({ url: fleet.databaseUrl, pool: poolOf(fleet.db) }), redis, prefix: fleet.prefix, token: OPS_TOKEN, logger: createLogger({ service: 'ops-e2e', level: 'warn', stream }) }));
      const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
        const res = await fetch(`${ops.url}${path}`, { method, headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
        return { status: res.status, body: (await res.json()) as { items?: { id: string }[]; jobId?: string } };
      };
      try {
        const listed = await api('GET', '/api/effects?status=parked&limit=200');
        expect(listed.status).toBe(200);
        expect((listed.body.items ?? []).map((e) => e.id).sort()).toEqual(parked.map((e) => e.id).sort());
        for (const e of parked) {
          expect(sendsByEffect.get(e.id) ?? 0).toBe(0);
          const res = await api('POST', `/api/effects/${e.id}/resolve`, { outcome: 'resend', reason: 'crash test: the provider has no such message' });
          expect([e.id, res.status]).toEqual([e.id, 200]);
        }
        await withChildLogs([whatsapp, payments], async () => {
          await eventually(
            async () => {
              const { statusWebhooks, messages } = ((await fleet.sandboxState()) as WhatsappState).whatsapp;
              if (messages.length < EVENTS || statusWebhooks.length < 3 * messages.length) {
                const rows = await fleet.db.$queryRawUnsafe(`SELECT status::text, attempts, last_error FROM effects WHERE id = ANY($1::uuid[])`, parked.map((e) => e.id));
                throw new Error(`${messages.length} messages, ${statusWebhooks.length} status webhooks; the resent effects: ${JSON.stringify(rows)}; whatsapp queue ${JSON.stringify(await queues.whatsapp.getJobCounts())}`);
              }
              return true;
            },
            30_000,
            100,
            'the resent receipts and their status webhooks',
          );
          await fleet.settled(60_000);
        });
      } finally {
        await ops.close();
      }
    }
    const finalEffects = await fleet.db.$queryRawUnsafe<{ id: string; status: string; attempts: number }[]>(`SELECT id::text, status::text, attempts FROM effects`);
    const finalSends = (await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' })).map((r) => r.body as Send);
    const finalByEffect = countBy(finalSends, (s) => s.biz_opaque_callback_data ?? '');
    expect(finalEffects.filter((e) => e.status !== 'done')).toEqual([]);
    for (const e of finalEffects) expect([e.id, finalByEffect.get(e.id) ?? 0]).toEqual([e.id, 1]);
    expect(finalSends).toHaveLength(EVENTS);
    expect(new Set(finalSends.map((s) => s.to)).size).toBe(EVENTS);
    const stillOpen = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM attention_items WHERE kind = 'effect_outcome_unknown' AND resolved_at IS NULL`);
    expect(must(stillOpen[0]).n).toBe(0);

    console.log(
      [
        `crash: ${EVENTS} events, ${kills.length} SIGKILLs (${kills.filter((k) => k.target === 'whatsapp').length} whatsapp, ${kills.filter((k) => k.target === 'payments').length} payments) in ${(duration / 1000).toFixed(1)} s (kill rounds ${((loopDone - started) / 1000).toFixed(1)} s of which waiting for restarts ${(waitedForRestartMs / 1000).toFixed(1)} s, settling ${((started + duration - loopDone) / 1000).toFixed(1)} s)`,
        `  at kill time: ${kills.reduce((n, k) => n + k.activeJobs, 0)} active jobs in all, ${killedInFlight.size} sends claimed and in flight`,
        `  afterwards: ${sends.length} WhatsApp sends for ${people.length} customers, ${settledSends.length} sends settled from status webhooks (${settledSends.filter((e) => e.response?.reconciledFrom).length} by the webhook, ${settledSends.filter((e) => e.response?.reconciled).length} by the re-run job), ${parked.length} parked (intent committed, never sent), ${must(rerunEvents[0]).n} events processed more than once`,
        `  then: ${parked.length} parked sends resolved "resend" in the ops console and sent once (${((Date.now() - resolvedAt) / 1000).toFixed(1)} s); ${finalSends.length} sends for ${EVENTS} effects, each exactly once`,
      ].join('\n'),
    );
  }, 150_000);
});
