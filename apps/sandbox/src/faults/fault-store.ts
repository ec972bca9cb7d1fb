import { pathMatches } from '../support/glob';
import { mulberry32, pick, type Rng } from '../support/rng';
import type { ApiProvider } from '../apis/types';
import type { FaultRuleSpec } from './fault-rule';

export interface FaultRule extends FaultRuleSpec {
  id: string;
  matched: number;
  fired: number;
}

/** What to do with one request: extra latency, then at most one terminal fault. */
export interface FaultDecision {
  latencyMs: number;
  terminal?: { rule: FaultRule; status?: number };
  notes: string[];
}

/** Active fault rules, each with its own seeded dice so one rule's draws do not shift another's. */
export class FaultStore {
  private rules: Array<{ rule: FaultRule; rng: Rng }> = [];
  private nextId = 1;

  constructor(private readonly defaultSeed: number) {}

  add(specs: readonly FaultRuleSpec[], seed?: number): FaultRule[] {
    return specs.map((spec, index) => {
      const rule: FaultRule = { ...spec, id: `fault_${this.nextId++}`, matched: 0, fired: 0 };
      const ruleSeed = spec.seed ?? (seed ?? this.defaultSeed) + index;
      this.rules.push({ rule, rng: mulberry32(ruleSeed) });
      return rule;
    });
  }

  list(): FaultRule[] {
    return this.rules.map(({ rule }) => ({ ...rule }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter(({ rule }) => rule.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  decide(provider: ApiProvider | undefined, method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, notes: [] };
    for (const { rule, rng } of this.rules) {
      if (rule.provider !== '*' && rule.provider !== provider) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !pathMatches(rule.path, path)) continue;
      if (rule.burst !== undefined && rule.matched >= rule.burst) continue;
      if (rule.count !== undefined && rule.fired >= rule.count) continue;
      rule.matched += 1;
      if (rule.type !== 'latency' && decision.terminal) continue;
      if (rng() >= rule.rate) continue;
      rule.fired += 1;
      if (rule.type === 'latency') {
        decision.latencyMs += rule.latencyMs ?? 0;
        decision.notes.push(`latency:${rule.latencyMs}ms`);
        continue;
      }
      const status = rule.type === 'error' ? (Array.isArray(rule.status) ? pick(rng, rule.status) : (rule.status ?? pick(rng, [500, 502, 503]))) : undefined;
      decision.terminal = { rule, ...(status !== undefined ? { status } : {}) };
    }
    return decision;
  }
}
