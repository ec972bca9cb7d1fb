import { randomUUID } from 'node:crypto';
import { createDatabase, type Database } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { AlertEvaluator, OpsQueues } from '@switchyard/ops';
import { Queue, createRedis, registry, type Redis, queuePrefix } from '@switchyard/queues';
import { parseSettings, type Settings } from '@switchyard/settings';
import { captureLogs, eventually } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';
import { testSettingsDoc } from './support/test-settings';

// Alert rules end to end: the ops app's evaluator records a transition with its team.notify
// effects, the CRM worker posts them to the sandbox's Slack incoming webhook, and each transition
// arrives exactly once however many evaluations (or evaluators) run while the state holds.

let fleet: Fleet;
let database: Database;
let redis: Redis;
let queues: OpsQueues;
const running: AlertEvaluator[] = [];
const { stream } = captureLogs();
const logger = createLogger({ service: 'alerts-test', level: 'info', stream });

beforeAll(async () => {
  fleet = await startFleet();
  database = createDatabase({ url: fleet.databaseUrl, poolSize: 4 });
  redis = createRedis(fleet.redisUrl, 'worker');
  redis.on('error', () => undefined);
  queues = new OpsQueues(redis, fleet.prefix);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

afterAll(async () => {
  await queues.close();
  redis.disconnect();
  await database.destroy();
  await fleet.close();
});

/** The fleet's test settings with these alert rules, posting to a Slack channel and a JSON one (both the sandbox's Slack endpoint). */
function settingsWith(rules: Record<string, unknown>[]): Settings {
  const team = {
    notifications: [
      { name: 'ops-slack', url: `${fleet.sandboxUrl}/slack/services/T000/B000/SLACK`, format: 'slack', events: ['lead.created'] },
      { name: 'ops-json', url: `${fleet.sandboxUrl}/slack/services/T000/B000/JSON`, format: 'json', events: ['lead.created'] },
    ],
  };
  return parseSettings(testSettingsDoc(fleet.sandboxUrl, { team, alerts: { evaluateEvery: '100ms', rules } }), {});
}

function evaluator(settings: Settings, o: { leaseName: string; holder?: string; intervalMs?: number }): AlertEvaluator {
  const e = new AlertEvaluator({ database, queues, settings: () => settings, logger, ...o });
  running.push(e);
  return e;
}

interface Post {
  channel: 'SLACK' | 'JSON';
  text: string;
  body: { text: string; event?: string; data?: Record<string, unknown>; effectId?: string };
}

/** What arrived at the sandbox's Slack endpoint about `rule`, oldest first. */
async function postsAbout(rule: string): Promise<Post[]> {
  const requests = await fleet.sandboxRequests({ pathIncludes: '/slack/services/' });
  return requests
    .map((r) => ({ channel: (r.path.endsWith('/JSON') ? 'JSON' : 'SLACK') as Post['channel'], body: r.body as Post['body'] }))
    .map((p) => ({ ...p, text: p.body.text }))
    .filter((p) => p.text.includes(`(rule ${rule}`));
}

async function waitForPosts(rule: string, n: number, what: string): Promise<Post[]> {
  return eventually(async () => {
    const posts = await postsAbout(rule);
    if (posts.length < n) throw new Error(`${posts.length} of ${n} posts`);
    return posts;
  }, 20_000, 50, what);
}

/** The positive signal before asserting absence: every evaluator has completed `n` more ticks, and whatever they recorded has been performed. */
async function afterTicks(evaluators: AlertEvaluator[], n: number): Promise<void> {
  const targets = evaluators.map((e) => e.ticks + n);
  await eventually(async () => evaluators.every((e, i) => e.ticks >= (targets[i] ?? 0)), 20_000, 20, `${n} more evaluations`);
  await fleet.settled();
}

async function alertEffects(rule: string) {
  return database.selectFrom('effects').select(['kind', 'business_key', 'status']).where('entity_type', '=', 'alert').where('entity_key', '=', rule).orderBy('created_at').execute();
}

async function parkedEffect(): Promise<string> {
  const id = randomUUID();
  await fleet.db.effect.create({
    data: { id, kind: 'message.send', businessKey: `test:${id}`, status: 'parked', queue: 'whatsapp', provider: 'whatsapp', connection: 'default', idempotencyKey: id, entityType: 'message', entityKey: id, request: {} },
  });
  return id;
}

test('a rule fires once, stays quiet while it holds, and resolves once, on a Slack and a JSON channel', async () => {
  const rule = `parked-${randomUUID().slice(0, 8)}`;
  const e = evaluator(settingsWith([{ name: rule, kind: 'parkedSends', notify: ['ops-slack', 'ops-json'] }]), { leaseName: `alerts-${rule}` });
  e.start();
  await afterTicks([e], 2);
  expect(await postsAbout(rule)).toEqual([]);

  await parkedEffect();
  const fired = await waitForPosts(rule, 2, 'the firing posts');
  await afterTicks([e], 5);
  expect(await postsAbout(rule)).toHaveLength(2);
  const slack = fired.find((p) => p.channel === 'SLACK');
  const json = fired.find((p) => p.channel === 'JSON');
  expect(slack?.body).toEqual({ text: `FIRING: parked sends 1 > 0 (rule ${rule})` });
  expect(json?.body).toEqual({
    text: `FIRING: parked sends 1 > 0 (rule ${rule})`,
    event: 'alert.fired',
    effectId: expect.any(String),
    data: { rule, kind: 'parkedSends', state: 'firing', value: 1, threshold: 0, summary: 'parked sends 1 > 0', firingSince: expect.any(String), at: expect.any(String) },
  });

  // A second parked send changes the value, not the state: still nothing new.
  await parkedEffect();
  await afterTicks([e], 5);
  expect(await postsAbout(rule)).toHaveLength(2);

  await fleet.db.effect.updateMany({ where: { status: 'parked' }, data: { status: 'done' } });
  const all = await waitForPosts(rule, 4, 'the resolved posts');
  await afterTicks([e], 5);
  expect(await postsAbout(rule)).toHaveLength(4);
  const resolved = all.slice(2);
  expect(resolved.map((p) => p.channel).sort()).toEqual(['JSON', 'SLACK']);
  for (const p of resolved) expect(p.text).toMatch(new RegExp(`^RESOLVED: parked sends 0 ≤ 0 \\(rule ${rule}, firing since \\d{4}-`));
  expect(resolved.find((p) => p.channel === 'JSON')?.body).toMatchObject({ event: 'alert.resolved', data: { state: 'resolved', value: 0, firingSince: json?.body.data?.firingSince } });
  expect((await alertEffects(rule)).map((x) => [x.kind, x.status])).toEqual([
    ['team.notify', 'done'],
    ['team.notify', 'done'],
    ['team.notify', 'done'],
    ['team.notify', 'done'],
  ]);
});

test('evaluators running at once (one lease, and one past its lease) still notify each transition once', async () => {
  const rule = `dlq-${randomUUID().slice(0, 8)}`;
  const settings = settingsWith([{ name: rule, kind: 'deadLetters', above: 1, notify: ['ops-slack'] }]);
  const lease = `alerts-${rule}`;
  const a = evaluator(settings, { leaseName: lease, holder: 'replica-a', intervalMs: 50 });
  const b = evaluator(settings, { leaseName: lease, holder: 'replica-b', intervalMs: 50 });
  // A replica that believes it still holds a lease that has passed on: only the transition's own compare-and-set stops it.
  const stale = evaluator(settings, { leaseName: `${lease}-stale`, holder: 'replica-c', intervalMs: 50 });

  // One lease, one evaluator at a time.
  const once = await Promise.all([a.tick(), b.tick()]);
  expect(once.filter((r) => r.evaluated)).toHaveLength(1);

  const dlq = new Queue(registry.crm.deadLetterQueue, { connection: redis, prefix: queuePrefix(fleet.prefix, registry.crm.deadLetterQueue) });
  try {
    for (const e of [a, b, stale]) e.start();
    await dlq.add('dead', { n: 1 }, { jobId: `dead-${rule}-1` });
    await dlq.add('dead', { n: 2 }, { jobId: `dead-${rule}-2` });
    const fired = await waitForPosts(rule, 1, 'the firing post');
    await afterTicks([a, b, stale], 5);
    expect(await postsAbout(rule)).toHaveLength(1);
    expect(fired[0]?.text).toBe(`FIRING: dead letters 2 > 1 (rule ${rule})`);

    await dlq.obliterate({ force: true });
    await waitForPosts(rule, 2, 'the resolved post');
    await afterTicks([a, b, stale], 5);
    const posts = await postsAbout(rule);
    expect(posts.map((p) => p.text.split(':')[0])).toEqual(['FIRING', 'RESOLVED']);
    expect(posts[1]?.text).toMatch(`RESOLVED: dead letters 0 ≤ 1 (rule ${rule}`);
    expect(await alertEffects(rule)).toHaveLength(2);
  } finally {
    await dlq.close();
  }
});

test('a silence rule fires for a connection with no events for T, and resolves when one arrives', async () => {
  const rule = `silent-${randomUUID().slice(0, 8)}`;
  const connection = `quiet-${randomUUID().slice(0, 6)}`;
  const event = (receivedAt: Date) => {
    const id = randomUUID();
    return fleet.db.inboundEvent.create({ data: { id, provider: 'stripe', connection, providerEventId: `evt_${id}`, type: 'charge.succeeded', status: 'processed', receivedAt, processedAt: receivedAt } });
  };
  // Its last event came a minute ago; another connection of the provider stays busy, which must not count.
  await event(new Date(Date.now() - 60_000));
  await fleet.db.inboundEvent.create({ data: { id: randomUUID(), provider: 'stripe', connection: `${connection}-busy`, providerEventId: `evt_${randomUUID()}`, type: 'charge.succeeded', status: 'processed' } });
  const e = evaluator(settingsWith([{ name: rule, kind: 'silence', provider: 'stripe', connection, for: '30s', notify: ['ops-slack'] }]), { leaseName: `alerts-${rule}` });
  e.start();

  const [fired] = await waitForPosts(rule, 1, 'the silence post');
  expect(fired?.text).toMatch(new RegExp(`^FIRING: no events from stripe/${connection} for 1m( \\d+s)? > 30s \\(rule ${rule}\\)$`));
  await afterTicks([e], 3);
  expect(await postsAbout(rule)).toHaveLength(1);

  await event(new Date());
  const posts = await waitForPosts(rule, 2, 'the resolved post');
  expect(posts[1]?.text).toMatch(new RegExp(`^RESOLVED: no events from stripe/${connection} for \\d+(ms|s) ≤ 30s`));
  await afterTicks([e], 3);
  expect(await postsAbout(rule)).toHaveLength(2);
});

test('a silence rule on a connection that never had an event counts from its first evaluation', async () => {
  const rule = `never-${randomUUID().slice(0, 8)}`;
  const connection = `never-${randomUUID().slice(0, 6)}`;
  const e = evaluator(settingsWith([{ name: rule, kind: 'silence', provider: 'razorpay', connection, for: '1s', notify: ['ops-slack'] }]), { leaseName: `alerts-${rule}` });
  expect(await e.tick()).toEqual({ evaluated: true, transitions: [], unread: [] });
  const watching = await database.selectFrom('alert_states').select(['firing_since', 'created_at']).where('rule_name', '=', rule).executeTakeFirstOrThrow();
  expect(watching.firing_since).toBeNull();
  e.start();
  const [fired] = await waitForPosts(rule, 1, 'the silence post');
  expect(fired?.text).toMatch(new RegExp(`^FIRING: no events from razorpay/${connection} for \\d+s > 1s \\(rule ${rule}\\)$`));
  const state = await database.selectFrom('alert_states').select(['firing_since']).where('rule_name', '=', rule).executeTakeFirstOrThrow();
  expect(state.firing_since?.getTime()).toBeGreaterThan(watching.created_at.getTime() + 1000);
});
