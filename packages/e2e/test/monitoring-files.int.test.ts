import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { queueNames } from '@switchyard/queues';
import { createReceiverMetrics } from '@switchyard/receiver';
import { createWorkerMetrics, type WorkerMetrics } from '@switchyard/worker-runtime';
import { testPrefix } from '@switchyard/testing';

// promtool is not installed here: this is the check CI runs on docker/prometheus/alerts.yml and
// docker/grafana/switchyard.json. Both must parse into the shapes Prometheus and Grafana load, and
// every metric an expression names must be one the apps really export: the names come from the
// apps' own registries (the receiver's and a worker's), never from a list kept by hand.

const docker = path.join(__dirname, '../../../docker');

/** Series Prometheus itself adds to every target. */
const PROMETHEUS_SERIES = new Set(['up']);
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads. Strings, label matchers, ranges and grouping label
 * lists are removed first; what is left that is an identifier and not a function call, a keyword
 * or a number is a metric name.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const calls = /^\s*\(/.test(stripped.slice((m.index ?? 0) + name.length));
    if (!calls && !PROMQL_KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

type Registry = ReturnType<typeof createReceiverMetrics>['registry'];

/** Every series name a registry serves: a histogram's as _bucket, _sum and _count. */
async function exportedNames(registry: Registry): Promise<Set<string>> {
  const out = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    out.add(metric.name);
    if (String(metric.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(`${metric.name}${s}`);
    if (String(metric.type) === 'summary') for (const s of ['_sum', '_count']) out.add(`${metric.name}${s}`);
  }
  return out;
}

interface Rule {
  alert?: unknown;
  record?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

const rulesFile = parseYaml(readFileSync(path.join(docker, 'prometheus/alerts.yml'), 'utf8')) as { groups?: { name?: unknown; rules?: Rule[] }[] };
const dashboard = JSON.parse(readFileSync(path.join(docker, 'grafana/switchyard.json'), 'utf8')) as { uid?: unknown; title?: unknown; panels?: { id?: unknown; title?: unknown; targets?: { expr?: unknown; refId?: unknown }[] }[] };
const rules = (rulesFile.groups ?? []).flatMap((g) => g.rules ?? []);
const panels = dashboard.panels ?? [];

let exported: Set<string>;
let worker: WorkerMetrics;

beforeAll(async () => {
  worker = createWorkerMetrics({ queue: queueNames[0], redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: testPrefix() });
  const receiver = createReceiverMetrics(async () => 0);
  exported = new Set([...(await exportedNames(receiver.registry)), ...(await exportedNames(worker.registry)), ...PROMETHEUS_SERIES]);
});
afterAll(async () => {
  await worker.close();
});

describe('metricNames', () => {
  it.each<[string, string[]]>([
    ['up{job=~"switchyard-.*"} == 0', ['up']],
    ['max by (queue) (switchyard_dead_letter_depth) > 10', ['switchyard_dead_letter_depth']],
    ['histogram_quantile(0.99, sum by (le, provider) (rate(switchyard_webhook_ack_seconds_bucket[5m]))) > 1', ['switchyard_webhook_ack_seconds_bucket']],
    ['sum(rate(a_total[1m])) / on(job) group_left(x) b{c="d(e)"} > 1e-9', ['a_total', 'b']],
    ['rate(x_total[$__rate_interval])', ['x_total']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr).sort()).toEqual(names.sort());
  });
});

describe('docker/prometheus/alerts.yml', () => {
  it('is groups of rules Prometheus loads: alert, expr, for, labels.severity, annotations.summary/description', () => {
    expect(rulesFile.groups?.length).toBeGreaterThan(0);
    for (const group of rulesFile.groups ?? []) expect(typeof group.name).toBe('string');
    expect(rules.length).toBeGreaterThan(5);
    const names = new Set<string>();
    for (const rule of rules) {
      const where = `rule ${String(rule.alert)}`;
      expect({ where, alert: typeof rule.alert, expr: typeof rule.expr }).toEqual({ where, alert: 'string', expr: 'string' });
      expect({ where, for: rule.for }).toEqual({ where, for: expect.stringMatching(/^\d+(ms|s|m|h|d|w|y)$/) });
      expect({ where, severity: rule.labels?.severity }).toEqual({ where, severity: expect.stringMatching(/^(critical|warning|info)$/) });
      expect({ where, summary: typeof rule.annotations?.summary, description: typeof rule.annotations?.description }).toEqual({ where, summary: 'string', description: 'string' });
      expect({ where, duplicate: names.has(String(rule.alert)) }).toEqual({ where, duplicate: false });
      names.add(String(rule.alert));
    }
  });

  it('names only metrics the apps export, in expressions whose brackets balance', () => {
    for (const rule of rules) {
      const expr = String(rule.expr);
      expect({ alert: rule.alert, balanced: balanced(expr) }).toEqual({ alert: rule.alert, balanced: true });
      const names = metricNames(expr);
      expect({ alert: rule.alert, some: names.length > 0 }).toEqual({ alert: rule.alert, some: true });
      expect({ alert: rule.alert, missing: names.filter((n) => !exported.has(n)) }).toEqual({ alert: rule.alert, missing: [] });
    }
  });
});

describe('docker/grafana/switchyard.json', () => {
  it('is a dashboard with panels, each with at least one query', () => {
    expect(dashboard.uid).toBe('switchyard');
    expect(typeof dashboard.title).toBe('string');
    expect(panels.length).toBeGreaterThan(5);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect({ panel: p.title, targets: (p.targets ?? []).length > 0 }).toEqual({ panel: p.title, targets: true });
  });

  it('names only metrics the apps export', () => {
    for (const p of panels)
      for (const t of p.targets ?? []) {
        const expr = String(t.expr);
        expect({ panel: p.title, balanced: balanced(expr) }).toEqual({ panel: p.title, balanced: true });
        expect({ panel: p.title, missing: metricNames(expr).filter((n) => !exported.has(n)) }).toEqual({ panel: p.title, missing: [] });
      }
  });

  it('and the rules together cover every Switchyard metric the apps export', () => {
    const used = new Set([...rules.map((r) => String(r.expr)), ...panels.flatMap((p) => (p.targets ?? []).map((t) => String(t.expr)))].flatMap(metricNames));
    const ours = [...exported].filter((n) => n.startsWith('switchyard_') && !/_(sum|count)$/.test(n));
    const histograms = new Set(ours.filter((n) => n.endsWith('_bucket')).map((n) => n.slice(0, -'_bucket'.length)));
    expect(ours.filter((n) => !used.has(n) && !histograms.has(n))).toEqual([]);
  });
});

function balanced(expr: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(ch)) open.push(ch);
    else if (ch in pairs && open.pop() !== pairs[ch]) return false;
  }
  return open.length === 0;
}
