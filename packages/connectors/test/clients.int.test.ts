import { AppError } from '@switchyard/errors';
import {
  createHubspotClient,
  createNotifier,
  createPaypalClient,
  createPipedriveClient,
  createRazorpayClient,
  createSalesforceClient,
  createStripeClient,
  createTwilioClient,
  createWhatsappClient,
} from '../src';
import { startSandbox, type RunningSandbox } from './sandbox';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.reset());
afterAll(() => sandbox.close());

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('WhatsApp Cloud client', () => {
  const client = () => createWhatsappClient({ baseUrl: sandbox.url, token: sandbox.env.SANDBOX_WHATSAPP_TOKEN, phoneNumberId: '106540352242922' });

  it('sends a template with body parameters and biz_opaque_callback_data, and a text', async () => {
    const template = await client().sendTemplate({ to: '15551234567', name: 'order_update', language: 'en_US', parameters: ['Ana', '#1042'], bizOpaqueCallbackData: 'effect:1' });
    expect(template.messageId).toMatch(/^wamid\./);
    const text = await client().sendText({ to: '+15551234567', body: 'Your order shipped' });
    expect(text.messageId).toMatch(/^wamid\./);
    const [first, second] = await sandbox.requests({ provider: 'whatsapp' });
    expect(first).toMatchObject({
      method: 'POST',
      path: '/v21.0/106540352242922/messages',
      status: 200,
      headers: { authorization: '[redacted]' },
      body: {
        messaging_product: 'whatsapp',
        to: '15551234567',
        type: 'template',
        template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#1042' }] }] },
        biz_opaque_callback_data: 'effect:1',
      },
    });
    expect(second?.body).toMatchObject({ type: 'text', text: { body: 'Your order shipped' } });
    expect(second?.body).not.toHaveProperty('biz_opaque_callback_data');
    const state = await sandbox.state();
    expect(state.whatsapp?.messages).toEqual(expect.arrayContaining([expect.objectContaining({ id: template.messageId, bizOpaqueCallbackData: 'effect:1' })]));
  });
});

describe('Twilio client', () => {
  it('posts a form with Basic auth, From and StatusCallback, and returns the sid', async () => {
    const client = createTwilioClient({ baseUrl: sandbox.url, accountSid: sandbox.env.SANDBOX_TWILIO_ACCOUNT_SID, authToken: sandbox.env.TWILIO_AUTH_TOKEN, from: 'whatsapp:+14155238886' });
    const sent = await client.sendMessage({ to: 'whatsapp:+15551234567', body: 'Your order shipped', statusCallback: 'http://127.0.0.1:3000/webhooks/twilio' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('queued');
    const [req] = await sandbox.requests({ provider: 'twilio' });
    expect(req?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req?.body).toEqual({ To: 'whatsapp:+15551234567', From: 'whatsapp:+14155238886', Body: 'Your order shipped', StatusCallback: 'http://127.0.0.1:3000/webhooks/twilio' });
  });
});

describe('HubSpot client', () => {
  const client = () => createHubspotClient({ baseUrl: sandbox.url, token: sandbox.env.SANDBOX_HUBSPOT_TOKEN });

  it('batch-upserts by idProperty (results keyed to the input order), reads, updates and creates', async () => {
    const hubspot = client();
    const created = await hubspot.create('contacts', { email: 'ana@example.com', firstname: 'Ana' });
    const results = await hubspot.upsert('contacts', 'email', [
      { id: 'new@example.com', properties: { firstname: 'New' } },
      { id: 'ANA@example.com', properties: { lifecyclestage: 'customer' } },
    ]);
    expect(results).toEqual([
      { key: 'new@example.com', id: expect.any(String), created: true },
      { key: 'ANA@example.com', id: created.id, created: false },
    ]);
    const again = await hubspot.upsert('contacts', 'email', [{ id: 'new@example.com', properties: { firstname: 'Newer' } }]);
    expect(again).toEqual([{ key: 'new@example.com', id: results[0]?.id, created: false }]);
    expect((await hubspot.get('contacts', 'ana@example.com', 'email'))?.properties).toMatchObject({ firstname: 'Ana', lifecyclestage: 'customer' });
    expect(await hubspot.get('contacts', 'nobody@example.com', 'email')).toBeUndefined();
    const updated = await hubspot.update('deals', (await hubspot.create('deals', { dealname: 'D1' })).id, { dealstage: 'closedwon' });
    expect(updated.properties).toMatchObject({ dealname: 'D1', dealstage: 'closedwon' });
  });

  it('splits more than 100 items into several batch requests', async () => {
    const items = Array.from({ length: 150 }, (_, i) => ({ id: `c${i}@example.com`, properties: { firstname: `C${i}` } }));
    const results = await client().upsert('contacts', 'email', items);
    expect(results.map((r) => r.key)).toEqual(items.map((i) => i.id));
    expect(new Set(results.map((r) => r.id)).size).toBe(150);
    expect(await sandbox.requests({ provider: 'hubspot', path: '/crm/v3/objects/contacts/batch/upsert' })).toHaveLength(2);
  });
});

describe('Pipedrive client', () => {
  it('creates without a known id, updates with one, and re-creates when the known id is gone', async () => {
    const pipedrive = createPipedriveClient({ baseUrl: sandbox.url, token: sandbox.env.SANDBOX_PIPEDRIVE_TOKEN });
    const person = await pipedrive.upsert('persons', undefined, { name: 'Ana', emails: [{ value: 'ana@example.com', primary: true }] });
    expect(person).toEqual({ id: 1, created: true });
    const deal = await pipedrive.upsert('deals', undefined, { title: 'Order 1042', value: 120, person_id: person.id });
    expect(await pipedrive.upsert('deals', deal.id, { stage_id: 3 })).toEqual({ id: deal.id, created: false });
    expect(await pipedrive.get('deals', deal.id)).toMatchObject({ title: 'Order 1042', stage_id: 3 });
    expect(await pipedrive.get('deals', 999)).toBeUndefined();
    expect(await pipedrive.upsert('deals', 999, { title: 'Recreated' })).toEqual({ id: 2, created: true });
    const [first] = await sandbox.requests({ provider: 'pipedrive' });
    expect(first?.headers['x-api-token']).toBe('[redacted]');
  });
});

describe('Salesforce client', () => {
  const client = () => createSalesforceClient({ baseUrl: sandbox.url, clientId: sandbox.env.SANDBOX_SALESFORCE_CLIENT_ID, clientSecret: sandbox.env.SANDBOX_SALESFORCE_CLIENT_SECRET, apiVersion: '60.0' });

  it('upserts by external id (201 then 200) with one cached OAuth token', async () => {
    const salesforce = client();
    const created = await salesforce.upsert('Lead', 'External_Id__c', 'ext/1', { LastName: 'Rao', Company: 'Acme' });
    expect(created).toEqual({ id: expect.stringMatching(/^00Q/), created: true });
    expect(await salesforce.upsert('Lead', 'External_Id__c', 'ext/1', { Status: 'Working' })).toEqual({ id: created.id, created: false });
    expect(await sandbox.requests({ provider: 'salesforce', path: '/services/oauth2/token' })).toHaveLength(1);
    const upserts = await sandbox.requests({ provider: 'salesforce', path: '/services/data/**' });
    expect(upserts.map((r) => [r.method, r.path])).toEqual([
      ['PATCH', '/services/data/v60.0/sobjects/Lead/External_Id__c/ext%2F1'],
      ['PATCH', '/services/data/v60.0/sobjects/Lead/External_Id__c/ext%2F1'],
    ]);
  });

  it('several matches for one external id is permanent SALESFORCE_300_MULTIPLE_MATCHES', async () => {
    const salesforce = client();
    await salesforce.upsert('Lead', 'External_Id__c', 'dup', { LastName: 'One' });
    await fetch(`${sandbox.url}/services/data/v60.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.env.SANDBOX_SALESFORCE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ External_Id__c: 'dup', LastName: 'Two' }),
    });
    const err = await failure(salesforce.upsert('Lead', 'External_Id__c', 'dup', { Status: 'x' }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'SALESFORCE_300_MULTIPLE_MATCHES' });
  });

  it('wrong client credentials fail permanently naming the OAuth error, without the secret', async () => {
    const salesforce = createSalesforceClient({ baseUrl: sandbox.url, clientId: 'nope', clientSecret: 'sf-wrong-secret-value' });
    const err = await failure(salesforce.upsert('Lead', 'External_Id__c', 'x', {}));
    expect(err).toMatchObject({ kind: 'permanent', code: 'SALESFORCE_400_INVALID_CLIENT_ID' });
    expect(err.message).toBe('salesforce 400 invalid_client_id: client identifier invalid');
  });
});

describe('refund clients send the provider idempotency key', () => {
  it('Stripe: the same Idempotency-Key returns the same refund, once', async () => {
    const stripe = createStripeClient({ baseUrl: sandbox.url, apiKey: sandbox.env.SANDBOX_STRIPE_API_KEY });
    const first = await stripe.refund({ paymentIntent: 'pi_1', amount: 500, idempotencyKey: 'sy-effect-1' });
    const again = await stripe.refund({ paymentIntent: 'pi_1', amount: 500, idempotencyKey: 'sy-effect-1' });
    expect(first).toEqual({ refundId: expect.stringMatching(/^re_/), status: 'succeeded', replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    const log = await sandbox.requests({ provider: 'stripe' });
    expect(log.map((r) => r.headers['idempotency-key'])).toEqual(['sy-effect-1', 'sy-effect-1']);
    expect(log[0]?.body).toEqual({ payment_intent: 'pi_1', amount: '500' });
    expect((await sandbox.state()).stripe?.refunds).toHaveLength(1);
    const other = await failure(stripe.refund({ paymentIntent: 'pi_1', amount: 600, idempotencyKey: 'sy-effect-1' }));
    expect(other).toMatchObject({ kind: 'permanent', code: 'STRIPE_400_IDEMPOTENCY_ERROR' });
  });

  it('Razorpay: the same X-Refund-Idempotency returns the same refund, once', async () => {
    const razorpay = createRazorpayClient({ baseUrl: sandbox.url, keyId: sandbox.env.SANDBOX_RAZORPAY_KEY_ID, keySecret: sandbox.env.SANDBOX_RAZORPAY_KEY_SECRET });
    const first = await razorpay.refund({ paymentId: 'pay_ABC', amount: 1000, idempotencyKey: 'sy-effect-0002' });
    expect(first).toEqual({ refundId: expect.stringMatching(/^rfnd_/), status: 'processed' });
    expect(await razorpay.refund({ paymentId: 'pay_ABC', amount: 1000, idempotencyKey: 'sy-effect-0002' })).toEqual(first);
    const log = await sandbox.requests({ provider: 'razorpay' });
    expect(log.map((r) => r.headers['x-refund-idempotency'])).toEqual(['sy-effect-0002', 'sy-effect-0002']);
    expect((await sandbox.state()).razorpay?.refunds).toHaveLength(1);
  });

  it('PayPal: one cached token; the same PayPal-Request-Id returns the same refund; fully refunded is permanent', async () => {
    const paypal = createPaypalClient({ baseUrl: sandbox.url, clientId: sandbox.env.SANDBOX_PAYPAL_CLIENT_ID, clientSecret: sandbox.env.SANDBOX_PAYPAL_CLIENT_SECRET });
    const first = await paypal.refund({ captureId: '2GG279541U471931P', amount: '10.00', currency: 'USD', requestId: 'sy-effect-3' });
    expect(first).toEqual({ refundId: expect.any(String), status: 'COMPLETED' });
    expect(await paypal.refund({ captureId: '2GG279541U471931P', amount: '10.00', currency: 'USD', requestId: 'sy-effect-3' })).toEqual(first);
    await paypal.refund({ captureId: '2GG279541U471931P', requestId: 'sy-effect-4' });
    const done = await failure(paypal.refund({ captureId: '2GG279541U471931P', requestId: 'sy-effect-5' }));
    expect(done).toMatchObject({ kind: 'permanent', code: 'PAYPAL_422_CAPTURE_FULLY_REFUNDED' });
    expect(done.message).toContain('paypal 422 CAPTURE_FULLY_REFUNDED: ');
    const refunds = await sandbox.requests({ provider: 'paypal', path: '/v2/payments/captures/*/refund' });
    expect(refunds.map((r) => r.headers['paypal-request-id'])).toEqual(['sy-effect-3', 'sy-effect-3', 'sy-effect-4', 'sy-effect-5']);
    expect(refunds[0]?.body).toEqual({ amount: { value: '10.00', currency_code: 'USD' } });
    expect(await sandbox.requests({ provider: 'paypal', path: '/v1/oauth2/token' })).toHaveLength(1);
  });

  it('PayPal: a refused (expired) token is fetched again once and the call goes through', async () => {
    const paypal = createPaypalClient({ baseUrl: sandbox.url, clientId: sandbox.env.SANDBOX_PAYPAL_CLIENT_ID, clientSecret: sandbox.env.SANDBOX_PAYPAL_CLIENT_SECRET });
    await sandbox.faults([{ provider: 'paypal', path: '/v2/payments/captures/*/refund', type: 'error', status: 401, count: 1 }]);
    expect(await paypal.refund({ captureId: 'CAP-401', requestId: 'sy-effect-6' })).toMatchObject({ status: 'COMPLETED' });
    expect(await sandbox.requests({ provider: 'paypal', path: '/v1/oauth2/token' })).toHaveLength(2);
    await sandbox.faults([{ provider: 'paypal', path: '/v2/payments/captures/*/refund', type: 'error', status: 401, count: 2 }]);
    expect(await failure(paypal.refund({ captureId: 'CAP-401b', requestId: 'sy-effect-7' }))).toMatchObject({ kind: 'permanent', code: 'PAYPAL_401_UNAUTHORIZED' });
  });
});

describe('notifier', () => {
  it('posts JSON to a Slack-compatible webhook; a refused payload is permanent', async () => {
    const notifier = createNotifier();
    const hook = `${sandbox.url}/slack/services/T000/B000/hook-secret-123`;
    await notifier.post(hook, { text: 'payments: 3 dead letters', channel: '#ops' });
    const [req] = await sandbox.requests({ provider: 'slack' });
    expect(req).toMatchObject({ method: 'POST', status: 200, body: { text: 'payments: 3 dead letters', channel: '#ops' } });
    const err = await failure(notifier.post(hook, { text: '' }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'NOTIFIER_400_INVALID_PAYLOAD', message: 'notifier 400 invalid_payload: invalid_payload' });
    expect(err.message).not.toContain('hook-secret-123');
  });
});
