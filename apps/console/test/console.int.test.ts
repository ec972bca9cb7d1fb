import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestFleet } from '@switchyard/ops/test/fleet';
import { startOps, type TestOps } from '@switchyard/ops/test/harness';
import { consoleSettingsFor, launchBrowser, screenshot, signIn as signInAs, type ConsoleUserLogin } from './support/console-browser';

// The console in a real browser (Debian's chromium, driven by playwright-core), against ops's
// createServer over the test database and the machine's Redis. Every page a test visits is
// written to docs/screenshots/<name>.png, which the root README shows.

const tag = randomBytes(4).toString('hex');
const users: Record<'operator' | 'viewer', ConsoleUserLogin> = {
  operator: { name: `olga-${tag}`, password: 'operator-password-0123', role: 'operator', revealPersonalData: true },
  viewer: { name: `victor-${tag}`, password: 'viewer-password-0123', role: 'viewer' },
};

// A customer of this test's own: a UK mobile stored as E.164 digits, searched for as people type it.
const national = `7700${String(randomInt(100000, 999999))}`;
const phone = `44${national}`;
const typedPhone = `+44 ${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`;
const paymentId = `pi_${tag}`;
const paymentKey = `stripe:default:${paymentId}`;
const crmEffectId = randomUUID();
const receiptEffectId = randomUUID();
const notifyEffectId = randomUUID();

let ops: TestOps;
let browser: Browser;
let context: BrowserContext;
let page: Page;

async function seed(db: TestOps['db']): Promise<void> {
  await db.contact.create({ data: { phone, email: `jane.${tag}@example.com`, name: `Jane ${tag}`, consent: true } });
  await db.payment.create({
    data: { key: paymentKey, provider: 'stripe', connection: 'default', paymentId, orderId: `order-${tag}`, status: 'succeeded', amount: 4200, currency: 'gbp', customer: { phone: `+${phone}`, email: `jane.${tag}@example.com`, name: `Jane ${tag}` } },
  });
  const eventId = randomUUID();
  await db.inboundEvent.create({
    data: { id: eventId, provider: 'stripe', connection: 'default', providerEventId: `evt_${tag}`, type: 'payment_intent.succeeded', canonicalType: 'payment.succeeded', queue: 'payments', status: 'processed', processedAt: new Date(), entityType: 'payment', entityKey: paymentKey },
  });
  type Outcome = { status: 'failed' | 'parked' | 'done'; attempts: number; lastError?: string; sentAt?: Date; doneAt?: Date; providerRef?: string };
  const effect = (id: string, kind: string, queue: string, provider: string, rest: Outcome) => ({
    id, kind, queue, provider, connection: 'default', businessKey: `${kind}:${id}`, idempotencyKey: id, eventId, entityType: 'payment', entityKey: paymentKey, request: {}, ...rest,
  });
  await db.effect.create({ data: effect(crmEffectId, 'crm.deal.sync', 'crm', 'hubspot', { status: 'failed', attempts: 1, lastError: 'permanent: VALIDATION_ERROR: Property "dealstage" has no option "paid"' }) });
  await db.effect.create({ data: effect(receiptEffectId, 'message.send', 'whatsapp', 'whatsapp', { status: 'parked', attempts: 1, sentAt: new Date(), lastError: 'outcome unknown: the call timed out after the request was sent' }) });
  await db.effect.create({ data: effect(notifyEffectId, 'team.notify', 'crm', 'slack', { status: 'done', attempts: 1, doneAt: new Date(), providerRef: 'ok' }) });
  await db.attentionItem.create({ data: { id: randomUUID(), kind: 'payment.disputed', entityType: 'payment', entityKey: paymentKey, summary: `Payment ${paymentId} is disputed by the customer` } });
}

const shot = (name: string) => screenshot(page, name);
const signIn = (who: keyof typeof users) => signInAs(page, ops.url, users[who]);

beforeAll(async () => {
  ops = await startOps({}, { console: await consoleSettingsFor([users.operator, users.viewer]) });
  await seed(ops.db);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await ops?.close();
});

// Each test is a fresh browser profile: no cookie carries over.
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
});

describe('the operations console in a browser', () => {
  it('asks to sign in, refuses a wrong password with a message, then shows who is signed in', async () => {
    await page.goto(`${ops.url}/`);
    await page.getByRole('heading', { name: 'Sign in to Switchyard' }).waitFor();
    await shot('sign-in');

    await page.getByLabel('User name').fill(users.operator.name);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'Wrong user name or password.');
    await shot('sign-in-refused');

    await page.getByLabel('Password').fill(users.operator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`${users.operator.name} (operator)`).waitFor();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await shot('dashboard');
  });

  it('finds the customer by a phone typed in another format, opens the payment and shows its effects with what to do next', async () => {
    await signIn('operator');
    await page.getByLabel('Search payments, customers, orders, messages').fill(typedPhone);
    await page.keyboard.press('Enter');
    const customers = page.getByRole('region', { name: 'Customers' });
    await customers.waitFor();
    expect(await customers.getByRole('listitem').count()).toBe(1);
    const payment = page.getByRole('region', { name: 'Payments' }).getByRole('link', { name: `Stripe payment ${paymentId}` });
    await payment.waitFor();
    await shot('search-results');

    await payment.click();
    await page.getByRole('heading', { name: `Payment ${paymentKey}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/entities/payment/${encodeURIComponent(paymentKey)}`);
    const timeline = page.getByRole('list', { name: 'What happened' });
    await timeline.getByText('CRM deal update via HubSpot').waitFor();
    await timeline.getByText('Message to the customer via WhatsApp').waitFor();
    await timeline.getByText('Team notification via Slack').waitFor();
    await timeline.getByText('Last error: permanent: VALIDATION_ERROR: Property "dealstage" has no option "paid"').waitFor();
    await timeline.getByText(/failed for good after 1 attempt/).waitFor();
    await timeline.getByText(/Nobody knows whether WhatsApp received it/).waitFor();
    for (const name of ['Retry', 'Confirm it arrived', 'Resend']) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    await shot('payment-page');

    // Personal data stays masked until the operator (allowed to) says why they need it; the reveal is audited without the values.
    await page.getByRole('button', { name: 'Show personal data' }).click();
    const revealDialog = page.getByRole('dialog');
    await revealDialog.getByLabel('Reason (kept in the audit trail)').fill('The customer called and asked which email the receipt went to');
    await revealDialog.getByRole('button', { name: 'Show personal data' }).click();
    await page.getByRole('definition').filter({ hasText: `jane.${tag}@example.com` }).waitFor();
    await shot('payment-personal-data');
    expect(await ops.db.auditEntry.count({ where: { action: 'personal_data.reveal', target: `payment:${paymentKey}`, actor: users.operator.name } })).toBe(1);
    await page.getByRole('button', { name: 'Hide personal data' }).click();

    // Confirm the parked receipt arrived, with a reason; a double click on the dialog's button sends one request.
    await page.getByRole('button', { name: 'Confirm it arrived', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason (kept in the audit trail)').fill('The customer confirmed on the phone that the receipt arrived');
    await shot('action-dialog');
    await dialog.getByRole('button', { name: 'Confirm it arrived' }).dblclick();
    await dialog.waitFor({ state: 'hidden' });
    await timeline.getByText('Why: The customer confirmed on the phone that the receipt arrived').waitFor();
    // The audit entry shown commits with the status change: both are there now.
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id: receiptEffectId } })).status).toBe('done');
    expect(await ops.db.auditEntry.count({ where: { action: 'effect.resolve', target: receiptEffectId } })).toBe(1);
    await page.getByRole('button', { name: 'Resend', exact: true }).waitFor({ state: 'detached' });
  });

  it('shows a viewer no action buttons, and refuses the viewer\'s hand-made write with 403', async () => {
    await signIn('viewer');
    await page.goto(`${ops.url}/entities/payment/${encodeURIComponent(paymentKey)}`);
    const timeline = page.getByRole('list', { name: 'What happened' });
    await timeline.getByText('CRM deal update via HubSpot').waitFor();
    await timeline.getByText(/failed for good/).waitFor();
    expect(await page.getByRole('button').filter({ hasText: /^(Retry|Skip|Resend|Confirm it arrived|Resolve|Show personal data)$/ }).count()).toBe(0);
    await shot('payment-page-viewer');

    // The browser's own session cookie and CSRF token: everything a page script could send.
    const csrfToken = await page.evaluate(async () => ((await (await fetch('/api/session')).json()) as { csrfToken: string }).csrfToken);
    const res = await page.request.post(`${ops.url}/api/effects/${crmEffectId}/skip`, { headers: { 'X-CSRF-Token': csrfToken }, data: { reason: 'made by hand' } });
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('operator') });
    const resolve = await page.request.post(`${ops.url}/api/attention/${randomUUID()}/resolve`, { headers: { 'X-CSRF-Token': csrfToken }, data: { reason: 'made by hand' } });
    expect(resolve.status()).toBe(403);
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id: crmEffectId } })).status).toBe('failed');
  });

  it('lists failures grouped by provider and error code, and the attention inbox', async () => {
    await signIn('operator');
    await page.getByRole('link', { name: 'Failures' }).click();
    await page.getByRole('heading', { name: 'Failures' }).waitFor();
    await page.getByRole('table', { name: 'Failure groups, largest first' }).getByText('VALIDATION_ERROR').first().waitFor();
    await shot('failures');

    await page.getByRole('link', { name: 'Attention' }).click();
    await page.getByText(`Payment ${paymentId} is disputed by the customer`).waitFor();
    await shot('attention');
  });
});

describe('a bulk re-drive from the failures page', () => {
  let fleet: TestFleet;
  beforeAll(() => {
    fleet = new TestFleet(ops);
  });
  afterAll(() => fleet.stop());

  it('previews how many match, asks why, then shows a progress bar until the summary: done, skipped, failed', async () => {
    const code = `CONSOLE_DECLINED_${tag.toUpperCase()}`;
    const dead = [await fleet.deadEvent('payments', code), await fleet.deadEvent('payments', code)];
    // The cause is fixed: the re-driven jobs now succeed, run by the same worker.
    fleet.failing.clear();

    await signIn('operator');
    await page.getByRole('link', { name: 'Failures' }).click();
    const row = page.getByRole('row').filter({ hasText: code });
    await row.waitFor();
    await row.getByRole('button', { name: 'Retry all in this group' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('2 dead letters match; 2 will be retried now.').waitFor();
    await dialog.getByLabel('Reason (kept in the audit trail)').fill('The gateway fixed its outage');
    await dialog.getByRole('button', { name: 'Retry all' }).click();
    await page.getByRole('progressbar', { name: /Re-drive of/ }).waitFor();
    await page.getByText('Finished: 2 done, 0 skipped, 0 failed.').waitFor();
    await shot('bulk-redrive');
    for (const { eventId } of dead) expect((await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } })).status).toBe('processed');
  });
});

async function expectText(locator: ReturnType<Page['getByRole']>, text: string): Promise<void> {
  await locator.waitFor();
  expect(await locator.innerText()).toBe(text);
}
