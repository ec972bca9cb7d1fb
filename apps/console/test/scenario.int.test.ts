import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { eventually } from '@switchyard/testing';
import { consoleSettingsFor, launchBrowser, screenshot, signIn, type ConsoleUserLogin } from './support/console-browser';
import { startConsoleFleet, type ConsoleFleet } from './support/console-fleet';

// The issue's scenario, end to end with the real fleet (receiver, workers, sandbox): "a customer
// paid, never got the WhatsApp receipt and the HubSpot deal didn't move — what happened, fix it".
// HubSpot refuses the deal write (it dead-letters) and the WhatsApp send's connection is reset (its
// outcome is unknown, so it is parked). An operator who knows only the customer's phone finds the
// payment, reads why, retries the CRM write and resends the receipt; the sandbox then shows one
// deal written and one receipt delivered. Each numbered step is one thing the operator does, and
// leaves a screenshot docs/screenshots/scenario-0N-<page>.png. console.int.test.ts covers the same
// pages over seeded rows (wrong password, viewer, confirm-it-arrived); this one is the real story.

const tag = randomBytes(4).toString('hex');
const operator: ConsoleUserLogin = { name: `olga-${tag}`, password: 'operator-password-0123', role: 'operator' };
const subject = createSubject(mulberry32(randomInt(1, 2 ** 31)));
// Stored as E.164 digits (1555…); the operator types it as people write US numbers.
const typedPhone = `+1 (${subject.phone.slice(1, 4)}) ${subject.phone.slice(4, 7)}-${subject.phone.slice(7)}`;
const paymentKey = `stripe:default:${subject.stripe.paymentIntent}`;
const DEALS = '/crm/v3/objects/deals';

let cf: ConsoleFleet;
let browser: Browser;
let page: Page;
let steps = 0;

/** One thing the operator does; its page is photographed as scenario-0N-<page>.png. */
async function step(pageName: string, action: () => Promise<void>): Promise<void> {
  await action();
  steps += 1;
  await screenshot(page, `scenario-${String(steps).padStart(2, '0')}-${pageName}`);
}

beforeAll(async () => {
  // Parked after 300 ms of unknown outcome (production waits longer): the scenario is set up in seconds.
  cf = await startConsoleFleet({ console: await consoleSettingsFor([operator]), fleet: { parkAfterMs: 300 } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await cf?.close();
});

async function effectOf(kind: string): Promise<{ id: string; status: string }> {
  const rows = await cf.fleet.db.$queryRawUnsafe<{ id: string; status: string }[]>(`SELECT id::text, status::text FROM effects WHERE kind = $1 AND entity_key = $2`, kind, paymentKey);
  if (rows.length !== 1) throw new Error(`${rows.length} ${kind} effects for ${paymentKey}`);
  return rows[0] as { id: string; status: string };
}

async function waitForStatus(kind: string, status: string): Promise<void> {
  await eventually(async () => (await effectOf(kind)).status === status, 30_000, 100, `${kind} ${status}`);
}

it('a payment whose deal write dead-lettered and whose receipt is parked is found by phone and fixed from its page; the deal is written once and the receipt delivered once', async () => {
  // HubSpot refuses every deal write; the first WhatsApp send has its connection reset mid-call.
  await cf.fleet.addFault({ provider: 'hubspot', path: DEALS, type: 'error', status: 400 });
  await cf.fleet.addFault({ provider: 'whatsapp', method: 'POST', type: 'reset', count: 1 });
  expect((await cf.fleet.deliver(buildWebhook('stripe', 'payment_intent.succeeded', { subject, to: cf.fleet.receiverUrl }))).delivered).toBe(true);
  await waitForStatus('crm.deal.sync', 'failed');
  await waitForStatus('message.send', 'parked');
  await cf.fleet.settled();
  const deal = await effectOf('crm.deal.sync');
  const receipt = await effectOf('message.send');
  // HubSpot's refusal is fixed (in real life: the missing deal stage is added).
  await cf.fleet.clearFaults();
  const before = (await cf.fleet.sandboxRequests()).length;

  await step('sign-in', () => signIn(page, cf.ops.url, operator));

  await step('search', async () => {
    await page.getByLabel('Search payments, customers, orders, messages').fill(typedPhone);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Payments' }).getByRole('link', { name: `Stripe payment ${subject.stripe.paymentIntent}` }).waitFor();
  });

  const timeline = page.getByRole('list', { name: 'What happened' });
  await step('payment', async () => {
    await page.getByRole('region', { name: 'Payments' }).getByRole('link', { name: `Stripe payment ${subject.stripe.paymentIntent}` }).click();
    await page.getByRole('heading', { name: `Payment ${paymentKey}` }).waitFor();
    // Why, in words: the deal write was refused by HubSpot for good; nobody knows whether the receipt went out.
    await timeline.getByText(/^Last error: permanent: .*hubspot 400/).waitFor();
    await timeline.getByText(/failed for good after 1 attempt/).waitFor();
    await timeline.getByText(/Nobody knows whether WhatsApp received it/).waitFor();
  });

  /** One click plus a reason; the dialog's button is double-clicked, as an impatient person does. */
  const act = async (button: string, reason: string) => {
    await page.getByRole('button', { name: button, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason (kept in the audit trail)').fill(reason);
    await dialog.getByRole('button', { name: button }).dblclick();
    await dialog.waitFor({ state: 'hidden' });
    await timeline.getByText(`Why: ${reason}`).waitFor();
  };
  await step('retry-crm', () => act('Retry', 'The paid stage was added to the HubSpot pipeline'));
  await step('resend-receipt', () => act('Resend', 'The customer says the receipt never arrived'));

  await waitForStatus('crm.deal.sync', 'done');
  await waitForStatus('message.send', 'done');
  await cf.fleet.settled();
  await step('payment-fixed', async () => {
    await page.reload();
    await page.getByRole('heading', { name: `Payment ${paymentKey}` }).waitFor();
    await timeline.getByText('CRM deal update via HubSpot').waitFor();
    expect(await page.getByRole('button', { name: /^(Retry|Resend|Confirm it arrived)$/ }).count()).toBe(0);
  });

  // The sandbox's whole log: one deal written, one receipt accepted; the refusals were all before the fix.
  const log = await cf.fleet.sandboxRequests();
  expect(log.slice(0, before).filter((r) => r.provider === 'hubspot' && r.path.startsWith(DEALS)).map((r) => r.status)).toEqual([400]);
  // A reset call has no status (null): only answered 2xx calls count as done.
  const ok = (r: { status: number | null }) => typeof r.status === 'number' && r.status >= 200 && r.status < 300;
  const dealWrites = log.filter((r) => r.provider === 'hubspot' && r.path.startsWith(DEALS) && r.method !== 'GET' && ok(r));
  const sends = log.filter((r) => r.provider === 'whatsapp' && r.method === 'POST');
  // The first send was cut off mid-call (what parked it); the resend is the only one answered.
  expect(sends.map((r) => r.status)).toEqual([null, 200]);
  const receipts = sends.filter(ok);
  expect(dealWrites).toHaveLength(1);
  expect(receipts).toHaveLength(1);
  expect(receipts[0]?.body).toMatchObject({ to: subject.phone, type: 'template', template: { name: 'payment_receipt' } });
  const state = (await cf.fleet.sandboxState()) as { hubspot: { deals: { properties: Record<string, string> }[] } };
  expect(state.hubspot.deals.map((d) => d.properties.dealstage)).toEqual(['closedwon']);
  // Who did what and why, once each despite the double clicks.
  const audit = await cf.fleet.db.$queryRawUnsafe<{ actor: string; action: string; target: string }[]>(`SELECT actor, action, target FROM audit_entries ORDER BY at`);
  expect(audit).toEqual([
    { actor: operator.name, action: 'session.sign_in', target: `user:${operator.name}` },
    { actor: operator.name, action: 'effect.retry', target: deal.id },
    { actor: operator.name, action: 'effect.resolve', target: receipt.id },
  ]);

  console.log(`scenario: ${steps} operator steps (sign in, search by phone, open the payment, retry the CRM write, resend the receipt, check)`);
  expect(steps).toBe(6);
});
