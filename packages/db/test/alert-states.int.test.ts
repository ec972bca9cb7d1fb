import { randomUUID } from 'node:crypto';
import { acquireLease, createDatabase, readAlertStates, recordAlertTransition, releaseLease, type Database, type NewEffect } from '../src';

// The two compare-and-sets the alert evaluator relies on: a lease one holder wins, and a rule
// transition (with its notification effects) recorded once however many evaluators try.
let db: Database;
const jobOf = (queue: string, effectId: string) => ({ jobName: `${queue}.perform-effect.v1`, jobId: `${queue}.eff.${effectId}` });

beforeAll(() => {
  db = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 6 });
});
afterAll(async () => {
  await db.destroy();
});

describe('acquireLease', () => {
  it('goes to one of many racing holders, is renewed by it, refused to others until it expires or is released', async () => {
    const name = `lease-${randomUUID()}`;
    const holders = ['a', 'b', 'c', 'd', 'e'];
    const won = await Promise.all(holders.map((holder) => acquireLease(db, { name, holder, ttlMs: 60_000 })));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = holders[won.indexOf(true)] ?? '';
    const other = holders.find((h) => h !== winner) ?? '';
    expect(await acquireLease(db, { name, holder: winner, ttlMs: 60_000 })).toBe(true);
    expect(await acquireLease(db, { name, holder: other, ttlMs: 60_000 })).toBe(false);
    await releaseLease(db, { name, holder: other });
    expect(await acquireLease(db, { name, holder: other, ttlMs: 60_000 })).toBe(false);
    await releaseLease(db, { name, holder: winner });
    expect(await acquireLease(db, { name, holder: other, ttlMs: 60_000 })).toBe(true);
  });

  it('passes to another holder once it has expired', async () => {
    const name = `lease-${randomUUID()}`;
    expect(await acquireLease(db, { name, holder: 'a', ttlMs: 1 })).toBe(true);
    await db.updateTable('leases').set({ expires_at: new Date(Date.now() - 60_000) }).where('name', '=', name).execute();
    expect(await acquireLease(db, { name, holder: 'b', ttlMs: 60_000 })).toBe(true);
    expect(await acquireLease(db, { name, holder: 'a', ttlMs: 60_000 })).toBe(false);
  });
});

describe('recordAlertTransition', () => {
  const planFor = (rule: string, since: Date): NewEffect => ({
    kind: 'team.notify',
    businessKey: `ops:alert.fired:${rule}:${since.toISOString()}`,
    queue: 'crm',
    provider: 'http',
    connection: 'ops',
    entityType: 'alert',
    entityKey: rule,
    request: { text: 'FIRING' },
  });

  it('records a transition and its effect once when evaluators race, and only from the state they read', async () => {
    const rule = `rule-${randomUUID()}`;
    const states = await readAlertStates(db, [rule]);
    expect(states.get(rule)).toMatchObject({ ruleName: rule, firingSince: null, lastValue: null });
    // Each racer picks its own start: the CAS, not the ledger key, must keep all but one out.
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => {
        const since = new Date(Date.now() + i);
        return recordAlertTransition(db, { ruleName: rule, from: null, to: since, value: 12, plans: [planFor(rule, since)], jobOf });
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const effects = await db.selectFrom('effects').select(['id', 'business_key']).where('entity_type', '=', 'alert').where('entity_key', '=', rule).execute();
    expect(effects).toHaveLength(1);
    const outbox = await db.selectFrom('outbox_entries').select('job_id').where('job_id', '=', `crm.eff.${effects[0]?.id ?? ''}`).execute();
    expect(outbox).toHaveLength(1);

    const firing = (await readAlertStates(db, [rule])).get(rule);
    expect(firing?.firingSince).toBeInstanceOf(Date);
    expect(firing?.lastValue).toBe(12);
    // A stale read (the rule was ok) no longer matches; the right one resolves it.
    expect(await recordAlertTransition(db, { ruleName: rule, from: null, to: new Date(), value: 13, plans: [], jobOf })).toBe(false);
    expect(await recordAlertTransition(db, { ruleName: rule, from: firing?.firingSince ?? null, to: null, value: 2, plans: [], jobOf })).toBe(true);
    expect((await readAlertStates(db, [rule])).get(rule)).toMatchObject({ firingSince: null, lastValue: 2 });
  });
});
