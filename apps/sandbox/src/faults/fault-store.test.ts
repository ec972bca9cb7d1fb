import { faultRequestSchema, faultRuleSchema } from './fault-rule';
import { FaultStore } from './fault-store';

const rule = (input: unknown) => faultRuleSchema.parse(input);

describe('FaultStore', () => {
  it('fires a seeded rate reproducibly', () => {
    const run = () => {
      const store = new FaultStore(1);
      store.add([rule({ provider: 'hubspot', type: 'error', rate: 0.3 })], 42);
      return Array.from({ length: 50 }, () => store.decide('hubspot', 'POST', '/crm/v3/objects/contacts').terminal?.status ?? 0);
    };
    const first = run();
    expect(first).toEqual(run());
    const fired = first.filter((s) => s > 0);
    expect(fired.length).toBeGreaterThan(5);
    expect(fired.length).toBeLessThan(30);
    expect(new Set(fired).size).toBeGreaterThan(1);
    expect(fired.every((s) => [500, 502, 503].includes(s))).toBe(true);
  });

  it('burst covers the next N matching requests; count caps firings', () => {
    const store = new FaultStore(1);
    store.add([rule({ provider: 'stripe', type: 'error', status: 503, burst: 2 })]);
    const statuses = Array.from({ length: 4 }, () => store.decide('stripe', 'POST', '/v1/refunds').terminal?.status);
    expect(statuses).toEqual([503, 503, undefined, undefined]);

    const counted = new FaultStore(1);
    counted.add([rule({ provider: 'stripe', type: 'error', status: 500, rate: 0.5, count: 2 })], 3);
    const fired = Array.from({ length: 40 }, () => counted.decide('stripe', 'POST', '/v1/refunds').terminal).filter(Boolean);
    expect(fired).toHaveLength(2);
  });

  it('matches provider, method and path globs; latency adds up before a terminal fault', () => {
    const store = new FaultStore(1);
    store.add([
      rule({ provider: 'hubspot', path: '/crm/v3/objects/*/batch/**', type: 'latency', latencyMs: 100 }),
      rule({ provider: '*', type: 'latency', latencyMs: 5 }),
      rule({ provider: 'hubspot', method: 'patch', type: 'reset' }),
    ]);
    expect(store.decide('hubspot', 'POST', '/crm/v3/objects/contacts/batch/upsert')).toMatchObject({ latencyMs: 105 });
    expect(store.decide('hubspot', 'POST', '/crm/v3/objects/contacts').latencyMs).toBe(5);
    expect(store.decide('hubspot', 'PATCH', '/crm/v3/objects/contacts/1').terminal?.rule.type).toBe('reset');
    expect(store.decide('stripe', 'PATCH', '/v1/refunds').terminal).toBeUndefined();
  });

  it('validates rules and names the bad key', () => {
    const bad = faultRequestSchema.safeParse({ rules: [{ provider: 'hubspot', type: 'latency' }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('latencyMs');
    expect(faultRuleSchema.safeParse({ type: 'error', rate: 2 }).success).toBe(false);
    expect(faultRuleSchema.safeParse({ type: 'error', bogus: 1 }).success).toBe(false);
  });
});
