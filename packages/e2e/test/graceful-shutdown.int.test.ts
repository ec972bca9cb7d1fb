import { Queue, createRedis, registry, type Redis, queuePrefix } from '@switchyard/queues';
import { buildWebhook, createSubject, mulberry32, WHATSAPP_MAGIC_SUFFIXES, type Subject } from '@switchyard/sandbox';
import { eventually } from '@switchyard/testing';
import { ChildWorker, withChildLogs, writeSettingsFile } from './support/child-workers';
import { startFleet, type Fleet } from './support/fleet';

const EVENTS = 40;
const SHUTDOWN_DEADLINE_MS = 10_000;
const LATENCY_MS = 1500;
// Receipts only: every job of the WhatsApp worker is a send (or a status of one).
const SETTINGS = { crm: undefined, team: { notifications: [] } };

type WhatsappState = { whatsapp: { messages: unknown[]; statusWebhooks: unknown[] } };

function subjects(count: number): Subject[] {
  const byPhone = new Map<string, Subject>();
  const magic = Object.values(WHATSAPP_MAGIC_SUFFIXES);
  for (let seed = 30_000; byPhone.size < count; seed++) {
    const s = createSubject(mulberry32(seed));
    if (!byPhone.has(s.phone) && !magic.some((m) => s.phone.endsWith(m))) byPhone.set(s.phone, s);
  }
  return [...byPhone.values()];
}

/**
 * A deploy stops a worker with SIGTERM while Meta is slow: the sends it has started must finish
 * and be recorded (no intent left `sending`, no job left to go stale), it takes nothing new, and
 * it exits 0 within its deadline. The next worker finishes the rest, each message once.
 */
describe('graceful shutdown: SIGTERM during load', () => {
  let fleet: Fleet;
  let settingsFile: { file: string; remove(): void };
  let first: ChildWorker;
  let second: ChildWorker;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    fleet = await startFleet({ replicas: { whatsapp: 0 }, settings: SETTINGS });
    settingsFile = writeSettingsFile(fleet.sandboxUrl, SETTINGS);
    const options = { app: 'whatsapp' as const, databaseUrl: fleet.databaseUrl, prefix: fleet.prefix, settingsFile: settingsFile.file, env: { SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS), WORKER_CONCURRENCY: '8' } };
    first = new ChildWorker({ ...options, label: 'whatsapp-first' });
    second = new ChildWorker({ ...options, label: 'whatsapp-second' });
    redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
    queue = new Queue(registry.whatsapp.name, { connection: redis, prefix: queuePrefix(fleet.prefix, registry.whatsapp.name) });
    await first.start();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await queue?.close();
    redis?.disconnect();
    settingsFile?.remove();
    await fleet?.close();
  });

  it('finishes the active sends, takes no new job, exits 0 in time; the next worker sends the rest once', async () => {
    const people = subjects(EVENTS);
    await fleet.addFault({ provider: 'whatsapp', type: 'latency', latencyMs: LATENCY_MS });

    await withChildLogs([first, second], async () => {
      const results = await Promise.all(people.map((subject) => fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }))));
      expect(results.every((r) => r.delivered)).toBe(true);

      // Mid-flight: the worker holds a full set of jobs and Meta has their requests unanswered.
      const inFlight = await eventually(
        async () => {
          const active = await queue.getActive();
          const unanswered = (await fleet.sandboxRequests({ provider: 'whatsapp' })).filter((r) => r.status === null);
          // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a job the queue reports as active has its id (BullMQ types it optional for jobs not yet added)
          return active.length >= 4 && unanswered.length >= 4 ? active.map((j) => j.id!) : null;
        },
        20_000,
        20,
        'sends to be in flight',
      );
      const sendingAtSigterm = await fleet.db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM effects WHERE status = 'sending'`);
      expect(sendingAtSigterm.length).toBeGreaterThan(0);

      const sigtermAt = Date.now();
      first.kill('SIGTERM');
      const exit = await first.waitExit(SHUTDOWN_DEADLINE_MS + 5_000);
      const shutdownMs = Date.now() - sigtermAt;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(shutdownMs).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      expect(first.logged('shutting down: no new jobs, finishing active ones')).toHaveLength(1);
      expect(first.logged('active jobs finished')).toHaveLength(1);
      expect(first.logged('shutdown deadline passed')).toHaveLength(0);
      expect(first.logged('stopped').map((l) => l.entry?.outcome)).toEqual(['drained']);

      // Nothing left behind: no active job, none flagged stalled, every job active at SIGTERM completed.
      const counts = await queue.getJobCounts();
      expect(counts.active).toBe(0);
      expect(await redis.scard(`${queuePrefix(fleet.prefix, registry.whatsapp.name)}:${registry.whatsapp.name}:stalled`)).toBe(0);
      const states = await Promise.all(inFlight.map((id) => queue.getJobState(id)));
      expect(states.every((s) => s === 'completed')).toBe(true);
      const stillSending = await fleet.db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM effects WHERE status = 'sending'`);
      expect(stillSending).toEqual([]);
      const after = await fleet.db.$queryRawUnsafe<{ status: string; n: number }[]>(`SELECT status::text, count(*)::int AS n FROM effects GROUP BY 1`);
      const doneAtExit = after.find((r) => r.status === 'done')?.n ?? 0;
      // It stopped taking work: some receipts were still waiting for the next worker.
      expect(doneAtExit).toBeLessThan(EVENTS);

      await fleet.clearFaults();
      await second.start();
      await eventually(
        async () => {
          const { whatsapp } = (await fleet.sandboxState()) as WhatsappState;
          return whatsapp.messages.length === EVENTS && whatsapp.statusWebhooks.length >= 3 * EVENTS;
        },
        30_000,
        100,
        'every receipt and its status webhooks',
      );
      await fleet.settled(30_000);

      const effects = await fleet.db.$queryRawUnsafe<{ id: string; status: string }[]>(`SELECT id::text, status::text FROM effects`);
      expect(effects).toHaveLength(EVENTS);
      expect(effects.filter((e) => e.status !== 'done')).toEqual([]);
      const sends = (await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' })).map((r) => r.body as { to: string; biz_opaque_callback_data: string });
      expect(sends).toHaveLength(EVENTS);
      expect(new Set(sends.map((s) => s.to))).toEqual(new Set(people.map((p) => p.phone)));
      expect(new Set(sends.map((s) => s.biz_opaque_callback_data))).toEqual(new Set(effects.map((e) => e.id)));

      console.log(
        `graceful shutdown: SIGTERM with ${inFlight.length} jobs active and ${sendingAtSigterm.length} sends in flight (Meta latency ${LATENCY_MS} ms); exited 0 after ${shutdownMs} ms (deadline ${SHUTDOWN_DEADLINE_MS} ms) with ${doneAtExit} of ${EVENTS} receipts sent; the next worker sent the other ${EVENTS - doneAtExit}, each once`,
      );
    });
  }, 90_000);
});
