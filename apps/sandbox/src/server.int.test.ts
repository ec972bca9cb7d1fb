import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import twilio from 'twilio';
import { fixture, missingShape } from '../test/fixtures/shape';
import { loadEnv } from './env';
import { createServer, type SandboxServer } from './server';
import { systemClock } from './support/clock';
import { mulberry32 } from './support/rng';
import { startReceiver } from './test-support';
import { httpWebhookSender } from './webhooks/http-sender';

const AUTH = { authorization: 'Bearer sandbox-token' };

function sandbox(env: Record<string, string> = {}): SandboxServer {
  const config = loadEnv({ SANDBOX_STATUS_DELAYS_MS: '5,10,15', SANDBOX_HUBSPOT_TEN_SECOND_LIMIT: '5', ...env });
  return createServer({ config, clock: systemClock, rng: mulberry32(1), webhookSender: httpWebhookSender(2000) });
}

let current: SandboxServer;
beforeEach(() => {
  current = sandbox();
});
afterEach(() => current.close());

describe('startup', () => {
  it('builds the app and listens in well under a second', async () => {
    const started = performance.now();
    const s = sandbox();
    const server = s.app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    expect(performance.now() - started).toBeLessThan(1000);
    s.close();
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('authentication', () => {
  it.each([
    ['post', '/v21.0/123/messages', (b: any) => b.error.code === 190], // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies differ per provider
    ['post', '/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json', (b: any) => b.code === 20003], // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    ['post', '/crm/v3/objects/contacts', (b: any) => b.category === 'INVALID_AUTHENTICATION'], // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    ['post', '/api/v2/deals', (b: any) => b.success === false], // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    ['patch', '/services/data/v60.0/sobjects/Lead/Email__c/a@b.c', (b: any) => b[0].errorCode === 'INVALID_SESSION_ID'], // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    ['post', '/v1/refunds', (b: any) => b.error.type === 'invalid_request_error'], // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    ['post', '/v1/payments/pay_123/refund', (b: any) => b.error.code === 'BAD_REQUEST_ERROR'], // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    ['post', '/v2/payments/captures/CAP1/refund', (b: any) => b.name === 'AUTHENTICATION_FAILURE'], // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
  ] as const)('%s %s without credentials answers 401 with the provider body', async (method, path, check) => {
    const res = await request(current.app)[method](path).send({});
    expect(res.status).toBe(401);
    expect(check(res.body)).toBe(true);
  });
});

describe('WhatsApp Cloud API', () => {
  it('sends a template, answers like Meta, then delivers signed sent/delivered/read webhooks', async () => {
    const receiver = await startReceiver();
    const s = sandbox({ SANDBOX_RECEIVER_URL: receiver.url });
    try {
      const res = await request(s.app)
        .post('/v21.0/106540352242922/messages')
        .set(AUTH)
        .send({ messaging_product: 'whatsapp', to: '+1 555 123 4567', type: 'template', template: { name: 'order_update', language: { code: 'en_US' } } });
      expect(res.status).toBe(200);
      expect(missingShape(res.body, fixture('whatsapp-send-response'))).toEqual([]);
      expect(res.body.messages[0].id).toMatch(/^wamid\./);
      const got = await receiver.waitFor(3);
      const statuses = got.map((r) => {
        expect(r.url).toBe('/webhooks/whatsapp');
        expect(r.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', loadEnv({}).WHATSAPP_APP_SECRET).update(r.body).digest('hex')}`);
        const status = JSON.parse(r.body).entry[0].changes[0].value.statuses[0];
        expect(status.id).toBe(res.body.messages[0].id);
        return status.status;
      });
      expect(statuses).toEqual(['sent', 'delivered', 'read']);
    } finally {
      s.close();
      await receiver.close();
    }
  });

  it('counts the status webhooks it owes: pending until the receiver answered each, then delivered', async () => {
    const receiver = await startReceiver();
    const s = sandbox({ SANDBOX_RECEIVER_URL: receiver.url, SANDBOX_STATUS_DELAYS_MS: '5,10,15' });
    try {
      expect((await request(s.app).get('/__sandbox/callbacks').set(AUTH)).body).toEqual({ pending: 0, delivered: 0 });
      await request(s.app)
        .post('/v21.0/106540352242922/messages')
        .set(AUTH)
        .send({ messaging_product: 'whatsapp', to: '+1 555 123 4567', type: 'template', template: { name: 'order_update', language: { code: 'en_US' } } })
        .expect(200);
      // All three were scheduled before the send was answered: each is owed or already delivered.
      const early = (await request(s.app).get('/__sandbox/callbacks').set(AUTH)).body as { pending: number; delivered: number };
      expect(early.pending + early.delivered).toBe(3);
      await receiver.waitFor(3);
      let counts: { pending: number; delivered: number } = { pending: -1, delivered: -1 };
      // The receiver saw them; the sandbox records each answer a moment later.
      for (const deadline = Date.now() + 2000; counts.delivered < 3 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
        counts = (await request(s.app).get('/__sandbox/callbacks').set(AUTH)).body as typeof counts;
      }
      expect(counts).toEqual({ pending: 0, delivered: 3 });
    } finally {
      s.close();
      await receiver.close();
    }
  });

  it('fails free-form messages outside the window (131047) asynchronously, and throttles 0429 numbers synchronously', async () => {
    const receiver = await startReceiver();
    const s = sandbox({ SANDBOX_RECEIVER_URL: receiver.url });
    try {
      const ok = await request(s.app).post('/v21.0/1/messages').set(AUTH).send({ messaging_product: 'whatsapp', to: '15550001047', type: 'text', text: { body: 'hi' } });
      expect(ok.status).toBe(200);
      const [failed] = await receiver.waitFor(1);
      const status = JSON.parse(failed?.body ?? '{}').entry[0].changes[0].value.statuses[0];
      expect(status).toMatchObject({ status: 'failed', errors: [{ code: 131047 }] });
      const throttled = await request(s.app).post('/v21.0/1/messages').set(AUTH).send({ messaging_product: 'whatsapp', to: '15550000429', type: 'text', text: { body: 'hi' } });
      expect(throttled.status).toBe(400);
      expect(throttled.body.error.code).toBe(130429);
      const invalid = await request(s.app).post('/v21.0/1/messages').set(AUTH).send({ messaging_product: 'whatsapp', to: '15550000001', type: 'template', template: {} });
      expect(invalid.body.error.code).toBe(100);
    } finally {
      s.close();
      await receiver.close();
    }
  });
  it('echoes biz_opaque_callback_data in every status webhook of the message, failed ones included', async () => {
    const receiver = await startReceiver();
    const s = sandbox({ SANDBOX_RECEIVER_URL: receiver.url });
    try {
      const send = (to: string, opaque: string) =>
        request(s.app).post('/v21.0/1/messages').set(AUTH).send({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' }, biz_opaque_callback_data: opaque });
      const ok = await send('15551234567', 'effect:42');
      expect(ok.status).toBe(200);
      const failed = await send('15550001047', 'effect:43');
      expect(failed.status).toBe(200);
      const got = await receiver.waitFor(4);
      const statuses = got.map((r) => JSON.parse(r.body).entry[0].changes[0].value.statuses[0] as { id: string; status: string; biz_opaque_callback_data?: string });
      const opaqueOf = (id: string) => statuses.filter((st) => st.id === id).map((st) => [st.status, st.biz_opaque_callback_data]);
      // Status webhooks are separate HTTP requests: under load they may arrive in any order.
      expect(opaqueOf(ok.body.messages[0].id).sort()).toEqual([['delivered', 'effect:42'], ['read', 'effect:42'], ['sent', 'effect:42']]);
      expect(opaqueOf(failed.body.messages[0].id)).toEqual([['failed', 'effect:43']]);
      const without = await request(s.app).post('/v21.0/1/messages').set(AUTH).send({ messaging_product: 'whatsapp', to: '15557654321', type: 'text', text: { body: 'hi' } });
      const [plain] = await receiver.waitFor(5).then((all) => all.slice(4));
      expect(JSON.parse(plain?.body ?? '{}').entry[0].changes[0].value.statuses[0]).not.toHaveProperty('biz_opaque_callback_data');
      expect(without.status).toBe(200);
      const tooLong = await send('15551234567', 'x'.repeat(513));
      expect(tooLong.body.error.code).toBe(100);
    } finally {
      s.close();
      await receiver.close();
    }
  });
});

describe('Twilio Messages API', () => {
  it('creates a message (201) and posts status callbacks signed as Twilio signs', async () => {
    const receiver = await startReceiver();
    const env = loadEnv({});
    try {
      const callback = `${receiver.url}/webhooks/twilio?tenant=a`;
      const res = await request(current.app)
        .post(`/2010-04-01/Accounts/${env.SANDBOX_TWILIO_ACCOUNT_SID}/Messages.json`)
        .auth(env.SANDBOX_TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN)
        .type('form')
        .send({ To: 'whatsapp:+15551234567', From: 'whatsapp:+14155238886', Body: 'Your order shipped', StatusCallback: callback });
      expect(res.status).toBe(201);
      expect(missingShape(res.body, fixture('twilio-message-resource'))).toEqual([]);
      const got = await receiver.waitFor(3);
      for (const r of got) {
        const params = Object.fromEntries(new URLSearchParams(r.body));
        expect(twilio.validateRequest(env.TWILIO_AUTH_TOKEN, String(r.headers['x-twilio-signature']), callback, params)).toBe(true);
        expect(params.MessageSid).toBe(res.body.sid);
      }
      expect(got.map((r) => new URLSearchParams(r.body).get('MessageStatus'))).toEqual(['sent', 'delivered', 'read']);
      const missingTo = await request(current.app).post(`/2010-04-01/Accounts/${env.SANDBOX_TWILIO_ACCOUNT_SID}/Messages.json`).auth(env.SANDBOX_TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN).type('form').send({ Body: 'x' });
      expect(missingTo.body).toMatchObject({ code: 21604, status: 400 });
    } finally {
      await receiver.close();
    }
  });
});

describe('HubSpot CRM v3', () => {
  it('creates, updates by idProperty, batch-upserts, and conflicts on duplicate email', async () => {
    const app = current.app;
    const created = await request(app).post('/crm/v3/objects/contacts').set(AUTH).send({ properties: { email: 'ana@example.com', firstname: 'Ana' } });
    expect(created.status).toBe(201);
    expect(created.body.properties.hs_object_id).toBe(created.body.id);
    expect((await request(app).post('/crm/v3/objects/contacts').set(AUTH).send({ properties: { email: 'ana@example.com' } })).status).toBe(409);
    const updated = await request(app).patch('/crm/v3/objects/contacts/ANA@example.com?idProperty=email').set(AUTH).send({ properties: { lifecyclestage: 'customer' } });
    expect(updated.status).toBe(200);
    expect(updated.body.properties).toMatchObject({ firstname: 'Ana', lifecyclestage: 'customer' });
    expect((await request(app).patch('/crm/v3/objects/deals/999').set(AUTH).send({ properties: {} })).status).toBe(404);
    const batch = await request(app)
      .post('/crm/v3/objects/contacts/batch/upsert')
      .set(AUTH)
      .send({ inputs: [{ idProperty: 'email', id: 'ana@example.com', properties: { phone: '1' } }, { idProperty: 'email', id: 'new@example.com', properties: {} }] });
    expect(batch.status).toBe(200);
    expect(missingShape(batch.body, fixture('hubspot-batch-upsert-response'))).toEqual([]);
    expect(batch.body.results.map((r: { new: boolean }) => r.new)).toEqual([false, true]);
  });

  it('answers 429 TEN_SECONDLY_ROLLING with rate-limit headers past the rolling limit', async () => {
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 6; i += 1) {
      last = await request(current.app).post('/crm/v3/objects/deals').set(AUTH).send({ properties: { dealname: `d${i}` } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    expect(missingShape(last?.body, fixture('hubspot-rate-limit'))).toEqual([]);
    expect(last?.headers).toMatchObject({ 'x-hubspot-ratelimit-max': '5', 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
  });

  it('enforces the daily limit with policy DAILY', async () => {
    const s = sandbox({ SANDBOX_HUBSPOT_DAILY_LIMIT: '2' });
    try {
      await request(s.app).get('/crm/v3/objects/contacts/1').set(AUTH);
      await request(s.app).get('/crm/v3/objects/contacts/1').set(AUTH);
      const res = await request(s.app).get('/crm/v3/objects/contacts/1').set(AUTH);
      expect(res.status).toBe(429);
      expect(res.body.policyName).toBe('DAILY');
    } finally {
      s.close();
    }
  });
});

describe('Pipedrive v2 and Salesforce', () => {
  it('Pipedrive creates and updates persons and deals', async () => {
    const token = { 'x-api-token': 'sandbox-token' };
    const person = await request(current.app).post('/api/v2/persons').set(token).send({ name: 'Ana', emails: [{ value: 'ana@example.com', primary: true }] });
    expect(person.body).toMatchObject({ success: true, data: { id: 1, name: 'Ana' } });
    const deal = await request(current.app).post('/api/v2/deals?api_token=sandbox-token').send({ title: 'Deal', value: 100, person_id: 1 });
    expect(deal.body.data.stage_id).toBe(1);
    const moved = await request(current.app).patch('/api/v2/deals/1').set(token).send({ stage_id: 3 });
    expect(moved.body.data).toMatchObject({ stage_id: 3, title: 'Deal' });
    expect((await request(current.app).post('/api/v2/deals').set(token).send({})).body).toMatchObject({ success: false, code: 'ERR_SCHEMA_VALIDATION_FAILED' });
  });

  it('Salesforce upsert by external id: 201 created, 200 updated, 300 multiple matches', async () => {
    const sf = (r: request.Test) => r.set(AUTH);
    const path = '/services/data/v60.0/sobjects/Lead/External_Id__c/ext-1';
    const created = await sf(request(current.app).patch(path)).send({ LastName: 'Rao', Status: 'Open' });
    expect(created.status).toBe(201);
    expect(missingShape(created.body, fixture('salesforce-upsert-created'))).toEqual([]);
    const updated = await sf(request(current.app).patch(path)).send({ Status: 'Working' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, created: false });
    await sf(request(current.app).post('/services/data/v60.0/sobjects/Lead')).send({ External_Id__c: 'ext-1', LastName: 'Dup' });
    const multiple = await sf(request(current.app).patch(path)).send({ Status: 'x' });
    expect(multiple.status).toBe(300);
    expect(multiple.body).toHaveLength(2);
    const token = await request(current.app).post('/services/oauth2/token').type('form').send({ grant_type: 'client_credentials', client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' });
    expect(token.body.access_token).toBe('sandbox-token');
  });
});

describe('refund APIs', () => {
  const stripeKey = { authorization: 'Bearer sk_test_sandbox' };

  it('Stripe replays the stored result for the same Idempotency-Key and refuses other parameters', async () => {
    const first = await request(current.app).post('/v1/refunds').set(stripeKey).set('Idempotency-Key', 'k1').type('form').send({ payment_intent: 'pi_1', amount: '500' });
    expect(first.status).toBe(200);
    expect(missingShape(first.body, fixture('stripe-refund'))).toEqual([]);
    const replay = await request(current.app).post('/v1/refunds').set(stripeKey).set('Idempotency-Key', 'k1').type('form').send({ payment_intent: 'pi_1', amount: '500' });
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const other = await request(current.app).post('/v1/refunds').set(stripeKey).set('Idempotency-Key', 'k1').type('form').send({ payment_intent: 'pi_1', amount: '600' });
    expect(other.status).toBe(400);
    expect(other.body.error.type).toBe('idempotency_error');
    const state = await request(current.app).get('/__sandbox/state');
    expect(state.body.stripe.refunds).toHaveLength(1);
    const full = await request(current.app).post('/v1/refunds').set(stripeKey).type('form').send({ payment_intent: 'pi_1' });
    expect(full.body.amount).toBe(100_000 - 500);
    const again = await request(current.app).post('/v1/refunds').set(stripeKey).type('form').send({ payment_intent: 'pi_1' });
    expect(again.body.error.code).toBe('charge_already_refunded');
  });

  it('Razorpay honours X-Refund-Idempotency', async () => {
    const auth = (r: request.Test) => r.auth('rzp_test_sandbox', 'sandbox-secret');
    const first = await auth(request(current.app).post('/v1/payments/pay_ABC/refund')).set('X-Refund-Idempotency', 'refund-key-0001').send({ amount: 1000 });
    expect(first.status).toBe(200);
    expect(missingShape(first.body, fixture('razorpay-refund'))).toEqual([]);
    const replay = await auth(request(current.app).post('/v1/payments/pay_ABC/refund')).set('X-Refund-Idempotency', 'refund-key-0001').send({ amount: 1000 });
    expect(replay.body.id).toBe(first.body.id);
    const mismatch = await auth(request(current.app).post('/v1/payments/pay_ABC/refund')).set('X-Refund-Idempotency', 'refund-key-0001').send({ amount: 2000 });
    expect(mismatch.body.error.code).toBe('BAD_REQUEST_ERROR');
  });

  it('PayPal refunds (201), replays PayPal-Request-Id, and answers 422 CAPTURE_FULLY_REFUNDED afterwards', async () => {
    const auth = { authorization: 'Bearer sandbox-token' };
    const first = await request(current.app).post('/v2/payments/captures/2GG279541U471931P/refund').set(auth).set('PayPal-Request-Id', 'r1').send({});
    expect(first.status).toBe(201);
    expect(missingShape(first.body, fixture('paypal-refund-response'))).toEqual([]);
    const replay = await request(current.app).post('/v2/payments/captures/2GG279541U471931P/refund').set(auth).set('PayPal-Request-Id', 'r1').send({});
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const again = await request(current.app).post('/v2/payments/captures/2GG279541U471931P/refund').set(auth).set('PayPal-Request-Id', 'r2').send({ amount: { value: '1.00', currency_code: 'USD' } });
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('CAPTURE_FULLY_REFUNDED');
    const token = await request(current.app).post('/v1/oauth2/token').auth('sandbox-client-id', 'sandbox-client-secret').type('form').send({ grant_type: 'client_credentials' });
    expect(token.body).toMatchObject({ access_token: 'sandbox-token', token_type: 'Bearer' });
  });
});

describe('Slack incoming webhooks', () => {
  const hook = '/slack/services/T000/B000/XXXXXXXXXXXXXXXX';

  it('answers 200 ok to text or blocks, 400 invalid_payload otherwise, and records the request', async () => {
    const ok = await request(current.app).post(hook).send({ text: 'payments worker: 3 dead letters' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('ok');
    expect((await request(current.app).post(hook).send({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] })).text).toBe('ok');
    const invalid = await request(current.app).post(hook).send({ username: 'no text' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toBe('invalid_payload');
    expect(invalid.headers['content-type']).toMatch(/^text\/plain/);
    const log = await request(current.app).get('/__sandbox/requests?provider=slack');
    expect(log.body.requests.map((r: { status: number; body: unknown }) => r.status)).toEqual([200, 200, 400]);
    expect(log.body.requests[0].body).toEqual({ text: 'payments worker: 3 dead letters' });
    const state = await request(current.app).get('/__sandbox/state');
    expect(state.body.slack.posts).toHaveLength(2);
  });

  it('takes faults like every other API, answering in text', async () => {
    await request(current.app).post('/__sandbox/faults').send({ provider: 'slack', type: 'rate_limit', retryAfter: 3, count: 1 }).expect(201);
    const limited = await request(current.app).post(hook).send({ text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.text).toBe('rate_limited');
    expect((await request(current.app).post('/slack/unknown').send({ text: 'x' })).text).toBe('no_service');
  });
});

describe('faults and the recorder', () => {
  it('answers seeded 5xx at a rate, logs the fault, and clears', async () => {
    const app = current.app;
    await request(app).post('/__sandbox/faults').send({ seed: 9, rules: [{ provider: 'pipedrive', type: 'error', rate: 0.5 }] }).expect(201);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await request(app).get('/api/v2/deals/1').set('x-api-token', 'sandbox-token')).status);
    expect(statuses.some((s) => s >= 500)).toBe(true);
    expect(statuses.some((s) => s === 404)).toBe(true);
    const log = await request(app).get('/__sandbox/requests?provider=pipedrive&path=/api/v2/deals/*');
    expect(log.body.count).toBe(12);
    expect(log.body.requests.filter((r: { fault?: string }) => r.fault).length).toBe(statuses.filter((s) => s >= 500).length);
    expect(log.body.requests[0].headers['x-api-token']).toBe('[redacted]');
    const listed = await request(app).get('/__sandbox/faults');
    expect(listed.body.rules[0]).toMatchObject({ matched: 12 });
    await request(app).delete('/__sandbox/faults').expect(200);
    expect((await request(app).get('/api/v2/deals/1').set('x-api-token', 'sandbox-token')).status).toBe(404);
  });

  it('429 with Retry-After as an HTTP date, provider throttles, and bursts', async () => {
    const app = current.app;
    await request(app)
      .post('/__sandbox/faults')
      .send({ rules: [
        { provider: 'stripe', type: 'rate_limit', retryAfter: 30, retryAfterFormat: 'http-date', burst: 1 },
        { provider: 'whatsapp', type: 'throttle', throttle: 'meta_80007', count: 1 },
      ] })
      .expect(201);
    const limited = await request(app).post('/v1/refunds').set('authorization', 'Bearer sk_test_sandbox').type('form').send({ payment_intent: 'pi_9' });
    expect(limited.status).toBe(429);
    expect(Number.isNaN(Date.parse(limited.headers['retry-after'] ?? ''))).toBe(false);
    expect(limited.body.error.code).toBe('rate_limit');
    expect((await request(app).post('/v1/refunds').set('authorization', 'Bearer sk_test_sandbox').type('form').send({ payment_intent: 'pi_9' })).status).toBe(200);
    const meta = await request(app).post('/v21.0/1/messages').set(AUTH).send({});
    expect(meta.status).toBe(400);
    expect(meta.body.error.code).toBe(80007);
  });

  it('resets connections, hangs past a client timeout, and adds latency', async () => {
    const server = current.app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules: [
          { provider: 'hubspot', path: '/crm/v3/objects/contacts', type: 'reset', count: 1 },
          { provider: 'hubspot', path: '/crm/v3/objects/deals', type: 'hang', count: 1 },
          { provider: 'pipedrive', type: 'latency', latencyMs: 150 },
        ] }),
      });
      await expect(fetch(`${base}/crm/v3/objects/contacts`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}' })).rejects.toThrow();
      await expect(fetch(`${base}/crm/v3/objects/deals`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(200) })).rejects.toThrow();
      const started = Date.now();
      const slow = await fetch(`${base}/api/v2/deals/1`, { headers: { 'x-api-token': 'sandbox-token' } });
      expect(slow.status).toBe(404);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      const log = (await (await fetch(`${base}/__sandbox/requests?provider=hubspot`)).json()) as { requests: Array<{ status: number | null; fault?: string }> };
      expect(log.requests.map((r) => [r.status, r.fault?.split(' ')[0]])).toEqual([[null, 'reset'], [null, 'hang']]);
      await fetch(`${base}/__sandbox/reset`, { method: 'POST' });
      const state = (await (await fetch(`${base}/__sandbox/requests`)).json()) as { count: number };
      expect(state.count).toBe(0);
    } finally {
      current.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects invalid fault rules with 400 naming the key', async () => {
    const res = await request(current.app).post('/__sandbox/faults').send({ rules: [{ provider: 'hubspot', type: 'throttle' }] });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('rules.0.throttle');
  });

  it('serves the PayPal certificate', async () => {
    const res = await request(current.app).get('/__sandbox/paypal/cert.pem');
    expect(res.text).toContain('BEGIN CERTIFICATE');
  });
});
