import { createRedis, effectJobId, lookupJob, performEffectJob, Queue, type QueueName, type Redis, queuePrefix } from '@switchyard/queues';
import { buildWebhook, createSubject, mulberry32, WHATSAPP_MAGIC_SUFFIXES, type Subject } from '@switchyard/sandbox';
import { startFleet, type Fleet, type SandboxRequest } from './support/fleet';
import { must } from '@switchyard/testing';

jest.setTimeout(90_000);

interface EffectRow {
  id: string;
  kind: string;
  business_key: string;
  queue: string;
  status: string;
  request: { to?: string };
  response: { crmKey?: string } | null;
}

/** What one effect met at the sandbox: its answers, and what BullMQ counted for its job. */
interface EffectTally {
  effect: EffectRow;
  answers: number[];
  rateLimited: number;
  serverErrors: number;
  attemptsMade: number;
  finished: boolean;
}

/** Customers whose numbers trigger none of the WhatsApp sandbox's magic failures. */
function plainSubjects(count: number, seedBase: number): Subject[] {
  const out: Subject[] = [];
  for (let seed = seedBase; out.length < count; seed++) {
    const subject = createSubject(mulberry32(seed));
    if (!Object.values(WHATSAPP_MAGIC_SUFFIXES).some((suffix) => subject.phone.endsWith(suffix))) out.push(subject);
  }
  return out;
}

/** The key an outbound request is about: the HubSpot object's upsert id, or the WhatsApp recipient. */
function requestKey(r: SandboxRequest): string | undefined {
  if (r.provider === 'whatsapp') return `wa:${(r.body as { to?: string }).to}`;
  if (r.provider === 'hubspot') {
    const type = /\/crm\/v3\/objects\/([^/]+)\/batch\/upsert$/.exec(r.path)?.[1];
    const id = (r.body as { inputs?: { id?: string }[] }).inputs?.[0]?.id;
    return type && id ? `${type}:${id}` : undefined;
  }
  return undefined;
}

function effectKey(e: EffectRow): string | undefined {
  if (e.kind === 'message.send') return `wa:${e.request.to}`;
  return e.response?.crmKey;
}

/**
 * The retry policy under provider faults: HubSpot and WhatsApp answer 30% 5xx, with bursts of 429
 * + Retry-After, while Razorpay captures flow in. Every event and effect must end done, a 5xx costs
 * one attempt, and a 429 costs none (the job waits what the provider asked instead).
 */
describe('provider faults: 5xx and 429 bursts under load', () => {
  let fleet: Fleet;
  let redis: Redis;
  const queues = new Map<string, Queue>();

  beforeAll(async () => {
    fleet = await startFleet();
    redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
    redis.on('error', () => undefined);
  });
  afterAll(async () => {
    await Promise.all([...queues.values()].map((q) => q.close()));
    redis.disconnect();
    await fleet.close();
  });

  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis, prefix: queuePrefix(fleet.prefix, name) });
      q.on('error', () => undefined);
      queues.set(name, q);
    }
    return q;
  };

  it('ends with every event processed and every effect done, 5xx costing attempts within policy and 429 costing none', async () => {
    const subjects = plainSubjects(40, 1000);
    const deliverAll = async (list: Subject[]) => {
      for (const subject of list) {
        const result = await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }));
        expect(result.delivered).toBe(true);
      }
    };

    // Phase 1: only 429 bursts (Retry-After 1 s) — these effects meet rate limits and nothing else.
    // The bursts outlast the first calls (20 payments: 40 HubSpot upserts, 20 sends), so some
    // effects are refused twice before they get through.
    await fleet.addFault({ provider: 'hubspot', type: 'rate_limit', retryAfter: 1, burst: 50 });
    await fleet.addFault({ provider: 'whatsapp', type: 'rate_limit', retryAfter: 1, burst: 26 });
    await deliverAll(subjects.slice(0, 20));
    await fleet.settled(45_000);

    // Phase 2: a fresh 429 burst first (the first terminal rule wins), then 30% 5xx for both
    // providers. The 5xx stop after `count` firings so that no effect's backoff (1 s, 2 s, 4 s, 8 s…)
    // outgrows the test: the point is the accounting, not an outage.
    await fleet.clearFaults();
    await fleet.addFault({ provider: 'hubspot', type: 'rate_limit', retryAfter: 1, burst: 10 });
    await fleet.addFault({ provider: 'whatsapp', type: 'rate_limit', retryAfter: 1, burst: 5 });
    await fleet.addFault({ provider: 'hubspot', type: 'error', rate: 0.3, count: 14, seed: 11 });
    await fleet.addFault({ provider: 'whatsapp', type: 'error', rate: 0.3, count: 7, seed: 12 });
    await deliverAll(subjects.slice(20));
    await fleet.settled(60_000);
    await fleet.clearFaults();

    // Every event processed, nothing dead.
    const events = await fleet.db.$queryRawUnsafe<{ provider: string; status: string; n: number }[]>(`SELECT provider, status::text, count(*)::int AS n FROM inbound_events GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(events.filter((e) => e.provider === 'razorpay')).toEqual([{ provider: 'razorpay', status: 'processed', n: 40 }]);
    expect(events.filter((e) => !['processed', 'ignored'].includes(e.status))).toEqual([]);

    // Every effect done: deal sync, note, receipt and team message for each of the 40 payments.
    const effects = await fleet.db.$queryRawUnsafe<EffectRow[]>(`SELECT id, kind, business_key, queue, status::text, request, response FROM effects`);
    expect(effects.filter((e) => e.status !== 'done').map((e) => `${e.kind} ${e.business_key} ${e.status}`)).toEqual([]);
    const byKind = (kind: string) => effects.filter((e) => e.kind === kind).length;
    expect([byKind('crm.deal.sync'), byKind('crm.note'), byKind('message.send'), byKind('team.notify')]).toEqual([40, 40, 40, 40]);

    // The jobs: read back before they are trimmed (removeOnComplete keeps the last 1000 for an hour).
    const requests = await fleet.sandboxRequests();
    const answersByKey = new Map<string, number[]>();
    for (const r of requests) {
      const key = requestKey(r);
      if (key) answersByKey.set(key, [...(answersByKey.get(key) ?? []), r.status]);
    }
    const tallies: EffectTally[] = [];
    for (const effect of effects) {
      const q = effect.queue as QueueName;
      const job = await queue(q).getJob(effectJobId(q, effect.id));
      expect(job).toBeDefined();
      const answers = effect.kind === 'team.notify' ? [] : (answersByKey.get(effectKey(effect) ?? '') ?? []);
      if (effect.kind !== 'team.notify') expect(answers.length).toBeGreaterThan(0);
      tallies.push({
        effect,
        answers,
        rateLimited: answers.filter((s) => s === 429).length,
        serverErrors: answers.filter((s) => s >= 500).length,
        attemptsMade: must(job).attemptsMade,
        finished: !!must(job).finishedOn && (await must(job).isCompleted()),
      });
    }

    const policy = lookupJob('crm', performEffectJob.crm).retry.attempts;
    expect(policy).toBe(10);
    for (const t of tallies) {
      expect({ key: t.effect.business_key, finished: t.finished }).toEqual({ key: t.effect.business_key, finished: true });
      expect(t.attemptsMade).toBeGreaterThanOrEqual(1);
      expect(t.attemptsMade).toBeLessThanOrEqual(policy);
      // Exactly one attempt per 5xx plus the one that succeeded: a 429 never used one.
      if (t.effect.kind !== 'team.notify') expect({ key: t.effect.business_key, answers: t.answers, attemptsMade: t.attemptsMade }).toEqual({ key: t.effect.business_key, answers: t.answers, attemptsMade: t.serverErrors + 1 });
    }

    const onlyRateLimited = tallies.filter((t) => t.rateLimited > 0 && t.serverErrors === 0);
    const serverErrored = tallies.filter((t) => t.serverErrors > 0);
    const total429 = tallies.reduce((n, t) => n + t.rateLimited, 0);
    const total5xx = tallies.reduce((n, t) => n + t.serverErrors, 0);
    // Both fault kinds reached both providers, and some effects met only 429s.
    expect(onlyRateLimited.length).toBeGreaterThanOrEqual(10);
    expect(onlyRateLimited.some((t) => t.effect.kind === 'message.send')).toBe(true);
    expect(onlyRateLimited.some((t) => t.effect.kind.startsWith('crm.'))).toBe(true);
    for (const t of onlyRateLimited) expect({ key: t.effect.business_key, attemptsMade: t.attemptsMade }).toEqual({ key: t.effect.business_key, attemptsMade: 1 });
    expect(serverErrored.some((t) => t.effect.kind === 'message.send')).toBe(true);
    expect(serverErrored.some((t) => t.effect.kind.startsWith('crm.'))).toBe(true);
    expect(onlyRateLimited.some((t) => t.rateLimited >= 2)).toBe(true);
    // Every burst answer reached an effect (50 + 26 + 10 + 5), and the 5xx rules fired.
    expect(total429).toBeGreaterThanOrEqual(91);
    expect(total5xx).toBeGreaterThanOrEqual(10);

    // Each receipt reached WhatsApp once (200) however many refusals came before it.
    const delivered = requests.filter((r) => r.provider === 'whatsapp' && r.status === 200);
    expect(delivered).toHaveLength(40);
    expect(new Set(delivered.map((r) => (r.body as { to: string }).to)).size).toBe(40);

    const maxAttempts = Math.max(...tallies.map((t) => t.attemptsMade));
    const maxRateLimited = Math.max(...tallies.map((t) => t.rateLimited));
    console.log(
      `faults: ${requests.length} sandbox requests, ${total429} × 429, ${total5xx} × 5xx; ${onlyRateLimited.length} effects met only 429s (max ${maxRateLimited} on one), ${serverErrored.length} met 5xx; max attemptsMade ${maxAttempts} (policy ${policy})`,
    );
  });
});
