import { randomUUID } from 'node:crypto';
import { createDatabase, type Database } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { parseSettings } from '@switchyard/settings';
import { captureLogs } from '@switchyard/testing';
import { AlertEvaluator } from '../src/alerts/alert-evaluator';
import type { OpsQueues } from '../src/queues/ops-queues';

// What the evaluator does when a number cannot be read: that rule is skipped for the tick (its
// state untouched), the others are evaluated, and the operator reads which rule and why.
let database: Database;

beforeAll(() => {
  database = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 2 });
});
afterAll(async () => {
  await database.destroy();
});

test('a rule whose numbers do not come (Redis away) is skipped for the tick; the others are evaluated', async () => {
  const id = randomUUID().slice(0, 8);
  const settings = parseSettings(
    {
      version: 1,
      team: { notifications: [{ name: 'ops', url: 'http://127.0.0.1:9/hook', events: ['lead.created'] }] },
      alerts: {
        rules: [
          { name: `dlq-${id}`, kind: 'deadLetters', above: 0, notify: ['ops'] },
          { name: `silent-${id}`, kind: 'silence', provider: `nobody-${id}`, for: '1h', notify: ['ops'] },
        ],
      },
    },
    {},
  );
  // A dead-letter queue whose count never answers, as while Redis reconnects.
  const hanging = { deadLetters: () => ({ count: () => new Promise<number>(() => undefined) }) } as unknown as OpsQueues;
  const { stream, lines } = captureLogs();
  const evaluator = new AlertEvaluator({ database, queues: hanging, settings: () => settings, logger: createLogger({ service: 'alerts-test', level: 'info', stream }), leaseName: `alerts-${id}`, intervalMs: 60_000, readTimeoutMs: 100 });
  try {
    expect(await evaluator.tick()).toEqual({ evaluated: true, transitions: [], unread: [`dlq-${id}`] });
    const states = await database.selectFrom('alert_states').select(['rule_name', 'firing_since', 'last_value', 'last_evaluated_at']).where('rule_name', 'in', [`dlq-${id}`, `silent-${id}`]).orderBy('rule_name').execute();
    expect(states).toEqual([
      { rule_name: `dlq-${id}`, firing_since: null, last_value: null, last_evaluated_at: null },
      { rule_name: `silent-${id}`, firing_since: null, last_value: expect.any(Number), last_evaluated_at: expect.any(Date) },
    ]);
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === 'alert rule not evaluated: its numbers could not be read');
    expect(warnings).toEqual([expect.objectContaining({ level: 'warn', rule: `dlq-${id}`, error: 'Redis did not answer within 100 ms' })]);
  } finally {
    await evaluator.stop();
  }
});
