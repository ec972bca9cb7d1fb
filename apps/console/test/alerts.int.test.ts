import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '@switchyard/logger';
import { AlertEvaluator } from '@switchyard/ops/src/alerts/alert-evaluator';
import { OpsQueues } from '@switchyard/ops/src/queues/ops-queues';
import { bearer } from '@switchyard/ops/test/harness';
import { captureLogs, eventually } from '@switchyard/testing';
import { consoleSettingsFor, launchBrowser, screenshot, signIn, type ConsoleUserLogin } from './support/console-browser';
import { startConsoleFleet, type ConsoleFleet } from './support/console-fleet';

// An alert rule end to end, seen from the console: the ops app's evaluator fires "any parked send"
// when a receipt is parked, the CRM worker posts it to the sandbox's Slack-compatible endpoint,
// the /alerts page shows it firing; once the operator settles the send it resolves, posted once.

const tag = randomBytes(4).toString('hex');
const rule = `parked-sends-${tag}`;
const operator: ConsoleUserLogin = { name: `olga-${tag}`, password: 'operator-password-0123', role: 'operator' };
const SLACK_PATH = '/slack/services/T000/B000/ALERTS';

let cf: ConsoleFleet;
let browser: Browser;
let page: Page;
let evaluator: AlertEvaluator;
let queues: OpsQueues;

beforeAll(async () => {
  cf = await startConsoleFleet({
    console: await consoleSettingsFor([operator]),
    fleet: {
      settings: (sandboxUrl) => ({
        team: { notifications: [{ name: 'ops-alerts', url: `${sandboxUrl}${SLACK_PATH}`, format: 'slack', events: ['lead.created'] }] },
        alerts: { evaluateEvery: '200ms', rules: [{ name: rule, kind: 'parkedSends', notify: ['ops-alerts'] }] },
      }),
    },
  });
  queues = new OpsQueues(cf.ops.workerRedis, cf.fleet.prefix);
  const { stream } = captureLogs();
  evaluator = new AlertEvaluator({ database: cf.ops.database, queues, settings: () => cf.fleet.settings.current(), logger: createLogger({ service: 'alerts-browser-test', level: 'info', stream }), leaseName: `alerts-${tag}` });
  evaluator.start();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await evaluator?.stop();
  await queues?.close();
  await cf?.close();
});

/** The texts posted to the alert channel about this rule, oldest first. */
async function posts(): Promise<string[]> {
  const requests = await cf.fleet.sandboxRequests({ pathIncludes: SLACK_PATH });
  return requests.map((r) => (r.body as { text: string }).text).filter((t) => t.includes(`(rule ${rule}`));
}

async function waitForPosts(n: number, what: string): Promise<string[]> {
  return eventually(async () => {
    const p = await posts();
    if (p.length < n) throw new Error(`${p.length} of ${n} posts`);
    return p;
  }, 20_000, 50, what);
}

/** The positive signal before asserting that nothing more was posted: more evaluations ran, and what they recorded was performed. */
async function afterTicks(n: number): Promise<void> {
  const target = evaluator.ticks + n;
  await eventually(async () => evaluator.ticks >= target, 20_000, 20, `${n} more evaluations`);
  await cf.fleet.settled();
}

function ruleRow() {
  return page.getByRole('table', { name: 'Alert rules, in configuration order' }).getByRole('row').filter({ hasText: rule });
}

async function openAlerts(): Promise<void> {
  await page.goto(`${cf.ops.url}/alerts`);
  await page.getByRole('heading', { name: 'Alerts' }).waitFor();
}

it('fires once to the Slack endpoint when a send is parked, shows it on /alerts, and resolves once when the send is settled', async () => {
  await afterTicks(1);
  await signIn(page, cf.ops.url, operator);
  await page.getByRole('link', { name: 'Alerts' }).click();
  await ruleRow().getByText('OK', { exact: true }).waitFor();
  await ruleRow().getByText('Any message or team post parked for a person to check').waitFor();

  // A receipt whose outcome nobody knows: the rule's condition.
  const effectId = randomUUID();
  await cf.fleet.db.effect.create({
    data: { id: effectId, kind: 'message.send', businessKey: `test:${effectId}`, status: 'parked', queue: 'whatsapp', provider: 'whatsapp', connection: 'default', idempotencyKey: effectId, entityType: 'message', entityKey: effectId, request: {} },
  });
  expect(await waitForPosts(1, 'the firing post')).toEqual([`FIRING: parked sends 1 > 0 (rule ${rule})`]);
  await openAlerts();
  await ruleRow().getByText('Firing', { exact: true }).waitFor();
  await ruleRow().getByText('1 (limit 0)').waitFor();
  await page.getByRole('status').getByText('1 of 1 rules firing.').waitFor();
  await screenshot(page, 'alerts-firing');

  // Still parked for several evaluations: nothing more is posted.
  await afterTicks(3);
  expect(await posts()).toHaveLength(1);

  // The operator confirms the receipt arrived (the API the entity page's button calls).
  const settled = await cf.ops.request.post(`/api/effects/${effectId}/resolve`).set(bearer).send({ outcome: 'sent', reason: 'The customer confirmed the receipt arrived' });
  expect(settled.status).toBe(200);
  expect(await waitForPosts(2, 'the resolved post')).toEqual([`FIRING: parked sends 1 > 0 (rule ${rule})`, expect.stringMatching(new RegExp(`^RESOLVED: parked sends 0 ≤ 0 \\(rule ${rule}, firing since `))]);
  await afterTicks(3);
  expect(await posts()).toHaveLength(2);

  await openAlerts();
  await ruleRow().getByText('OK', { exact: true }).waitFor();
  await page.getByRole('status').getByText('Nothing is firing.').waitFor();
  await screenshot(page, 'alerts');
});
