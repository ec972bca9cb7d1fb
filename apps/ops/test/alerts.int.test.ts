import { randomBytes } from 'node:crypto';
import { parseSettings } from '@switchyard/settings';
import { bearer, startOps, type TestOps } from './harness';
import { sessionHeaders, viewerConsole } from './viewer-session';

// GET /api/alerts: every configured rule with the state the evaluator recorded, in words a person
// reads, for any signed-in role; a rule never evaluated is pending, and listing it writes nothing.
const tag = randomBytes(4).toString('hex');
const names = { dead: `dead-letters-${tag}`, silent: `stripe-silent-${tag}`, parked: `parked-${tag}` };
const rules = parseSettings(
  {
    version: 1,
    team: { notifications: [{ name: 'ops', url: 'http://127.0.0.1:9/hook', events: ['lead.created'] }] },
    alerts: {
      rules: [
        { name: names.dead, kind: 'deadLetters', above: 2, notify: ['ops'] },
        { name: names.silent, kind: 'silence', provider: 'stripe', for: '2h', notify: ['ops'] },
        { name: names.parked, kind: 'parkedSends', notify: ['ops'] },
      ],
    },
  },
  {},
).alerts.rules;

let ops: TestOps;
let viewer: Record<string, string>;
const firingSince = new Date('2026-03-01T10:00:00Z');

beforeAll(async () => {
  const { settings, name } = await viewerConsole();
  ops = await startOps({}, { console: settings, alertRules: rules });
  viewer = await sessionHeaders(ops, name);
  await ops.database
    .insertInto('alert_states')
    .values([
      { rule_name: names.dead, firing_since: firingSince, last_value: 5, last_evaluated_at: new Date() },
      { rule_name: names.silent, firing_since: null, last_value: 65 * 60_000, last_evaluated_at: new Date() },
    ])
    .execute();
});
afterAll(async () => {
  await ops?.database.deleteFrom('alert_states').where('rule_name', 'in', Object.values(names)).execute();
  await ops?.close();
});

describe('GET /api/alerts', () => {
  it('lists every configured rule, in configuration order, with its state, since, last value and threshold in words', async () => {
    const res = await ops.request.get('/api/alerts').set(bearer);
    expect(res.status).toBe(200);
    expect(res.body.alerts).toEqual([
      expect.objectContaining({ name: names.dead, kind: 'deadLetters', state: 'firing', since: firingSince.toISOString(), lastValue: 5, lastValueText: '5', threshold: 2, thresholdText: '2', watches: 'More than 2 dead letters waiting, all queues together', summary: 'dead letters 5 > 2', notify: ['ops'] }),
      expect.objectContaining({ name: names.silent, state: 'ok', since: null, lastValue: 3_900_000, lastValueText: '1h 5m', thresholdText: '2h', watches: 'No events from stripe (default) for 2h', summary: 'no events from stripe/default for 1h 5m ≤ 2h' }),
      expect.objectContaining({ name: names.parked, state: 'pending', since: null, lastValue: null, lastValueText: null, summary: null, lastEvaluatedAt: null, watches: 'Any message or team post parked for a person to check' }),
    ]);
    // Listing a pending rule did not create its state: only the evaluator does.
    expect(await ops.database.selectFrom('alert_states').select('rule_name').where('rule_name', '=', names.parked).execute()).toEqual([]);
  });

  it('filters by state', async () => {
    const res = await ops.request.get('/api/alerts?state=firing').set(bearer);
    expect(res.status).toBe(200);
    expect(res.body.alerts.map((a: { name: string }) => a.name)).toEqual([names.dead]);
  });

  it('is readable by a viewer', async () => {
    const res = await ops.request.get('/api/alerts').set({ Cookie: viewer.Cookie ?? '' });
    expect(res.status).toBe(200);
    expect(res.body.alerts).toHaveLength(3);
  });

  it('refuses a bad state or an unknown parameter with 400 naming it, and an unauthenticated caller with 401', async () => {
    const bad = await ops.request.get('/api/alerts?state=burning').set(bearer);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_query', message: 'state: "burning" is not an alert state (one of: firing, ok, pending)' });
    const unknown = await ops.request.get('/api/alerts?rule=x').set(bearer);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('unknown parameter(s): rule');
    expect((await ops.request.get('/api/alerts')).status).toBe(401);
  });
});

describe('GET /api/alerts without rules', () => {
  it('answers an empty list', async () => {
    const bare = await startOps();
    try {
      const res = await bare.request.get('/api/alerts').set(bearer);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ alerts: [] });
    } finally {
      await bare.close();
    }
  });
});
