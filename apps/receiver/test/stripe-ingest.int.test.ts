import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { eventually, startReceiver, type TestReceiver } from './harness';
import { must } from '@switchyard/testing';

// Signatures come from Stripe's own package, never from our verifier's code.
const stripe = new Stripe('sk_test_unused');
const sign = (payload: string, secret = 'whsec_test_current', timestamp?: number) => stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

function stripeEvent(overrides: Record<string, unknown> = {}) {
  const base = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/stripe/payment_intent.succeeded.json'), 'utf8'));
  return JSON.stringify({ ...base, id: `evt_${randomUUID().replace(/-/g, '')}`, ...overrides });
}

async function rowsFor(r: TestReceiver, providerEventId: string) {
  return r.db.inboundEvent.findMany({ where: { provider: 'stripe', providerEventId } });
}

describe('POST /webhooks/stripe', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ env: { BODY_LIMIT_BYTES: String(64 * 1024) } });
  });
  afterAll(() => r.close());

  it('stores a valid event, enqueues one job and marks it queued', async () => {
    const body = stripeEvent();
    const id = JSON.parse(body).id;
    const res = await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body)).send(body);
    expect(res.status).toBe(200);
    const [row] = await rowsFor(r, id);
    expect(row).toMatchObject({ type: 'payment_intent.succeeded', canonicalType: 'payment.succeeded', queue: 'payments', deliveries: 1 });
    expect(row?.canonical).toMatchObject({ type: 'payment.succeeded', paymentId: 'pi_3MtwBwLkdIwHu7ix28a3tqPa', amount: 2000, currency: 'usd', occurredAt: '2023-03-29T04:27:08.000Z' });
    const queued = await eventually(async () => (await rowsFor(r, id))[0]?.status === 'queued');
    expect(queued).toBe(true);
    const job = await r.queue('payments').getJob(`payments.evt.${must(row, 'the stored event').id}`);
    expect(job?.data).toEqual({ eventId: must(row, 'the stored event').id });
  });

  it('keeps the raw payload and stores no signature header', async () => {
    const body = stripeEvent();
    await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body)).expect(200).send(body);
    const [row] = await rowsFor(r, JSON.parse(body).id);
    expect(row?.payload).toEqual(JSON.parse(body));
    expect(JSON.stringify(row?.headers)).not.toMatch(/stripe-signature|v1=/i);
  });

  it('accepts both the current and the previous secret during rotation', async () => {
    for (const secret of ['whsec_test_current', 'whsec_test_previous']) {
      const body = stripeEvent();
      const res = await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body, secret)).send(body);
      expect(res.status).toBe(200);
    }
  });

  it('answers a duplicate delivery 200, counts it and does not enqueue again', async () => {
    const body = stripeEvent();
    const id = JSON.parse(body).id;
    for (let i = 0; i < 3; i++) {
      const res = await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body)).send(body);
      expect(res.status).toBe(200);
      expect(res.body.duplicates).toBe(i === 0 ? 0 : 1);
    }
    const rows = await rowsFor(r, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveries).toBe(3);
    expect(await r.db.outboxEntry.count({ where: { eventId: must(rows[0], 'the stored event').id } })).toBe(1);
  });

  it('turns 50 concurrent deliveries of one event into one row and one job', async () => {
    const body = stripeEvent();
    const id = JSON.parse(body).id;
    const header = sign(body);
    const answers = await Promise.all(Array.from({ length: 50 }, () => r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const rows = await rowsFor(r, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveries).toBe(50);
    await eventually(async () => (await rowsFor(r, id))[0]?.status === 'queued');
    const jobs = await r.queue('payments').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.eventId === must(rows[0], 'the stored event').id)).toHaveLength(1);
    expect(await r.db.outboxEntry.count({ where: { eventId: must(rows[0], 'the stored event').id } })).toBe(1);
  });

  it.each([
    ['missing signature', (b: string) => ({ body: b, header: undefined }), 401, /missing Stripe-Signature/],
    ['wrong secret', (b: string) => ({ body: b, header: sign(b, 'whsec_someone_else') }), 401, /does not match/],
    ['tampered body', (b: string) => ({ body: b.replace('2000', '9000'), header: sign(b) }), 401, /does not match/],
    ['stale timestamp', (b: string) => ({ body: b, header: sign(b, 'whsec_test_current', Math.floor(Date.now() / 1000) - 301) }), 401, /timestamp is 30\d s away from now \(tolerance 300 s\)/],
    ['malformed JSON', (_b: string) => ({ body: '{"id": "evt_x", ', header: sign('{"id": "evt_x", ') }), 400, /not valid JSON/],
    ['not a Stripe event', (_b: string) => ({ body: '{"hello":"world"}', header: sign('{"hello":"world"}') }), 400, /not a Stripe event/],
  ])('refuses %s with its status and a message, and stores nothing', async (_name, make, status, message) => {
    const original = stripeEvent();
    const { body, header } = make(original);
    const req = r.request.post('/webhooks/stripe').set('Content-Type', 'application/json');
    if (header) req.set('Stripe-Signature', header);
    const res = await req.send(body);
    expect(res.status).toBe(status);
    expect(res.body.message).toMatch(message);
    expect(await rowsFor(r, JSON.parse(original).id)).toHaveLength(0);
    expect(r.logs.join('')).not.toContain('whsec_test_current');
  });

  it('refuses a body over the limit with 413', async () => {
    const body = stripeEvent({ padding: 'x'.repeat(70 * 1024) });
    const res = await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body)).send(body);
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/exceeds the 65536-byte limit/);
    expect(await rowsFor(r, JSON.parse(body).id)).toHaveLength(0);
  });

  it('refuses unknown providers and connections with 404', async () => {
    const a = await r.request.post('/webhooks/nosuchpay').set('Content-Type', 'application/json').send('{}');
    expect(a.status).toBe(404);
    expect(a.body.message).toMatch(/unknown provider "nosuchpay"/);
    const b = await r.request.post('/webhooks/stripe/nosuchaccount').set('Content-Type', 'application/json').send('{}');
    expect(b.status).toBe(404);
    expect(b.body.message).toMatch(/no connection "nosuchaccount"/);
  });

  it('counts rejections by provider and reason and exposes the ingest metrics', async () => {
    const body = stripeEvent();
    await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body, 'whsec_wrong')).send(body);
    const res = await r.request.get('/metrics');
    expect(res.text).toMatch(/switchyard_webhooks_rejected_total\{provider="stripe",reason="invalid_signature"\} [1-9]/);
    for (const name of ['switchyard_webhooks_received_total', 'switchyard_webhooks_verified_total', 'switchyard_webhooks_duplicates_total', 'switchyard_webhook_ack_seconds_bucket', 'switchyard_outbox_backlog']) expect(res.text).toContain(name);
  });

  it('processes an event of an API version it does not know when its shape parses, and counts it', async () => {
    const body = stripeEvent({ api_version: '2099-01-01.future' });
    const id = JSON.parse(body).id;
    expect((await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body)).send(body)).status).toBe(200);
    const [row] = await rowsFor(r, id);
    expect(row).toMatchObject({ canonicalType: 'payment.succeeded', queue: 'payments', status: expect.stringMatching(/received|queued/) });
    expect((await r.request.get('/metrics')).text).toMatch(/switchyard_events_unknown_api_version_total\{provider="stripe",version="2099-01-01.future"\} 1\b/);
    expect(r.logs.some((l) => l.includes('event from an API version the adapter does not know') && l.includes(id) && l.includes('"mapped":true'))).toBe(true);
  });

  it('stores an event of an unknown API version whose shape does not parse as unmapped, naming the version, with an attention item', async () => {
    const sent = JSON.parse(stripeEvent({ api_version: '2099-02-02.future' }));
    delete sent.data.object.amount;
    const body = JSON.stringify(sent);
    expect((await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', sign(body)).send(body)).status).toBe(200);
    const [row] = await rowsFor(r, sent.id);
    expect(row).toMatchObject({ status: 'unmapped', canonical: null, queue: null });
    expect(row?.lastError).toMatch(/could not be mapped: amount: .*sent with stripe API version 2099-02-02.future, which this adapter does not know/);
    expect(await r.db.outboxEntry.count({ where: { eventId: must(row, 'the stored event').id } })).toBe(0);
    expect(await r.db.attentionItem.count({ where: { eventId: must(row, 'the stored event').id, kind: 'unmapped_event' } })).toBe(1);
    expect((await r.request.get('/metrics')).text).toMatch(/switchyard_events_unknown_api_version_total\{provider="stripe",version="2099-02-02.future"\} 1\b/);
  });

  it('logs one line per rejection, without secrets or signatures', async () => {
    const body = stripeEvent();
    const header = sign(body, 'whsec_wrong');
    const before = r.logs.length;
    await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(body);
    const lines = r.logs.slice(before).filter((l) => l.includes('webhook rejected'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"reason":"invalid_signature"');
    expect(lines[0]).not.toContain(must(header.split('v1=')[1], 'the v1 signature'));
  });

  it('reports health and readiness', async () => {
    expect((await r.request.get('/healthz')).status).toBe(200);
    const ready = await r.request.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', postgres: 'ok', redis: 'ok' });
  });
});
