import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { sleep as realSleep } from '../support/clock';
import type { DeliveryAttempt, DeliveryResult } from '../webhooks/send-webhook';
import { trigger, type TriggerOptions } from '../webhooks/trigger';
import { scenarioSchema, type Scenario, type ScenarioStep } from './scenario-schema';

export type { Scenario } from './scenario-schema';

export class ScenarioError extends Error {
  constructor(source: string, problems: string[]) {
    super(`invalid scenario ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.') || '(root)';
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` ${issue.keys.map((k) => `"${String(k)}"`).join(', ')}` : '';
    return `${path}: ${issue.message}${keys && !issue.message.includes(keys.trim()) ? ` (${keys.trim()})` : ''}`;
  });
}

/** Parses YAML or JSON text and validates it; errors name the offending key (e.g. `steps.2.trigger.event`). */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(source, [`not valid YAML/JSON: ${(error as Error).message}`]);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(source, describe(parsed.error));
  return parsed.data;
}

export function loadScenario(file: string): Scenario {
  return parseScenario(readFileSync(file, 'utf8'), file);
}

export interface RunScenarioOptions extends Omit<TriggerOptions, 'timeScale' | 'onAttempt'> {
  /** Where the sandbox control API is (faults). */
  sandboxUrl: string;
  /** Overrides the file's timeScale. */
  timeScale?: number;
  out?: (line: string) => void;
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

export interface ScenarioReport {
  name: string;
  deliveries: DeliveryResult[];
  steps: number;
}

async function control(opts: RunScenarioOptions, method: string, path: string, body?: unknown): Promise<void> {
  const doFetch = opts.fetch ?? fetch;
  const response = await doFetch(`${opts.sandboxUrl.replace(/\/+$/, '')}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`sandbox ${method} ${path} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer().catch(() => undefined);
}

function label(step: ScenarioStep, index: number): string {
  return step.name ?? `step ${index + 1}`;
}

/** Runs the steps in order; durations are scenario time divided by the time scale. */
export async function runScenario(scenario: Scenario, opts: RunScenarioOptions): Promise<ScenarioReport> {
  const scale = opts.timeScale ?? scenario.timeScale;
  const wait = opts.sleep ?? realSleep;
  const out = opts.out ?? (() => {});
  const deliveries: DeliveryResult[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    if (step.trigger) {
      const t = step.trigger;
      out(`# ${label(step, index)}: trigger ${t.provider} ${t.event}`);
      const results = await trigger(
        {
          provider: t.provider,
          event: t.event,
          seed: t.seed ?? scenario.seed + index,
          ...(t.count !== undefined ? { count: t.count } : {}),
          ...(t.duplicate !== undefined ? { duplicate: t.duplicate } : {}),
          ...(t.shuffle !== undefined ? { shuffle: t.shuffle } : {}),
          ...(t.delay !== undefined ? { delayMs: t.delay / scale } : {}),
          ...(t.connection ? { connection: t.connection } : {}),
          ...(t.source ? { source: t.source } : {}),
        },
        { ...opts, timeScale: scale, ...(t.maxAttempts !== undefined ? { maxAttempts: t.maxAttempts } : {}) },
      );
      deliveries.push(...results);
    } else if (step.faults) {
      out(`# ${label(step, index)}: set ${step.faults.length} fault rule(s)`);
      await control(opts, 'POST', '/faults', { seed: scenario.seed + index, rules: step.faults });
    } else if (step.clearFaults) {
      out(`# ${label(step, index)}: clear faults`);
      await control(opts, 'DELETE', '/faults');
    } else if (step.reset) {
      out(`# ${label(step, index)}: reset sandbox`);
      await control(opts, 'POST', '/reset');
    } else if (step.wait !== undefined) {
      out(`# ${label(step, index)}: wait ${step.wait} ms scenario time (${Math.round(step.wait / scale)} ms real)`);
      await wait(step.wait / scale);
    } else if (step.log !== undefined) {
      out(`# ${step.log}`);
    }
  }
  return { name: scenario.name, deliveries, steps: scenario.steps.length };
}
