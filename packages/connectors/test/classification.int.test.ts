import { createServer } from 'node:http';
import { AppError, PermanentError, RateLimitedError, RetryableError } from '@switchyard/errors';
import { createLogger } from '@switchyard/logger';
import { captureLogs, listen } from '@switchyard/testing';
import { createHubspotClient, createNotifier, createPaypalClient, createStripeClient, createTwilioClient, createWhatsappClient, providerFailure } from '../src';
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

const stripe = (timeoutMs?: number) => createStripeClient({ baseUrl: sandbox.url, apiKey: sandbox.env.SANDBOX_STRIPE_API_KEY }, timeoutMs ? { timeoutMs } : {});
const refund = (timeoutMs?: number) => stripe(timeoutMs).refund({ paymentIntent: 'pi_1', idempotencyKey: `k-${Math.random()}` });
const hubspot = (baseUrl = sandbox.url) => createHubspotClient({ baseUrl, token: sandbox.env.SANDBOX_HUBSPOT_TOKEN });
const whatsapp = () => createWhatsappClient({ baseUrl: sandbox.url, token: sandbox.env.SANDBOX_WHATSAPP_TOKEN, phoneNumberId: '1' });

describe('retryable', () => {
  it.each([500, 502, 503, 504])('%i is retryable with code HTTP_<status>', async (status) => {
    await sandbox.faults([{ provider: 'stripe', type: 'error', status, count: 1 }]);
    const err = await failure(refund());
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toMatchObject({ kind: 'retryable', code: `HTTP_${status}`, retryable: true });
    expect(err.message).toMatch(new RegExp(`^stripe ${status} api_error: `));
    expect(providerFailure(err)).toMatchObject({ provider: 'stripe', status, providerCode: 'api_error', requestId: expect.stringMatching(/^req_/) });
  });

  it('a hung request past the timeout → NETWORK_TIMEOUT', async () => {
    await sandbox.faults([{ provider: 'stripe', type: 'hang', count: 1 }]);
    const started = Date.now();
    const err = await failure(refund(200));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toMatchObject({ kind: 'retryable', code: 'NETWORK_TIMEOUT' });
    expect(err.message).toMatch(/^stripe request timed out/);
  });

  it('a reset connection → NETWORK_ECONNRESET; a refused connection → NETWORK_ECONNREFUSED', async () => {
    await sandbox.faults([{ provider: 'hubspot', type: 'reset', count: 1 }]);
    const reset = await failure(hubspot().get('contacts', '1'));
    expect(reset).toMatchObject({ kind: 'retryable', code: 'NETWORK_ECONNRESET' });
    expect(providerFailure(reset)).toEqual({ provider: 'hubspot', networkCode: 'ECONNRESET' });
    const closed = await listen(createServer());
    await closed.close();
    expect(await failure(hubspot(closed.url).get('contacts', '1'))).toMatchObject({ kind: 'retryable', code: 'NETWORK_ECONNREFUSED' });
  });

  it('409 lock / in progress is retryable, but HubSpot 409 (already exists) is permanent', async () => {
    await sandbox.faults([{ provider: 'razorpay', type: 'error', status: 409, count: 1 }]);
    const razorpay = await failure(
      (await import('../src')).createRazorpayClient({ baseUrl: sandbox.url, keyId: sandbox.env.SANDBOX_RAZORPAY_KEY_ID, keySecret: sandbox.env.SANDBOX_RAZORPAY_KEY_SECRET }).refund({ paymentId: 'pay_1', idempotencyKey: 'sy-effect-409' }),
    );
    expect(razorpay).toMatchObject({ kind: 'retryable', code: 'RAZORPAY_409_BAD_REQUEST_ERROR' });
    await hubspot().create('contacts', { email: 'ana@example.com' });
    expect(await failure(hubspot().create('contacts', { email: 'ana@example.com' }))).toMatchObject({ kind: 'permanent', code: 'HUBSPOT_409_CONFLICT' });
  });
});

describe('rate limited: retryAfterMs is what the provider said', () => {
  it('429 with Retry-After in seconds', async () => {
    await sandbox.faults([{ provider: 'stripe', type: 'rate_limit', retryAfter: 7, count: 1 }]);
    const err = await failure(refund());
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'STRIPE_429_RATE_LIMIT', retryAfterMs: 7000 });
  });

  it('429 with Retry-After as an HTTP date', async () => {
    await sandbox.faults([{ provider: 'twilio', type: 'rate_limit', retryAfter: 30, retryAfterFormat: 'http-date', count: 1 }]);
    const twilio = createTwilioClient({ baseUrl: sandbox.url, accountSid: sandbox.env.SANDBOX_TWILIO_ACCOUNT_SID, authToken: sandbox.env.TWILIO_AUTH_TOKEN, from: 'whatsapp:+14155238886' });
    const err = await failure(twilio.sendMessage({ to: 'whatsapp:+15551234567', body: 'hi' }));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'TWILIO_429_20429' });
    // An HTTP date has whole seconds: the wait lands in (29 s, 30 s].
    expect(err.retryAfterMs).toBeGreaterThan(28_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('HubSpot TEN_SECONDLY_ROLLING from its rolling limit: the window the headers name', async () => {
    const small = await startSandbox({ SANDBOX_HUBSPOT_TEN_SECOND_LIMIT: '2' });
    try {
      const client = hubspot(small.url);
      await client.get('contacts', '1');
      await client.get('contacts', '1');
      const err = await failure(client.get('contacts', '1'));
      expect(err).toMatchObject({ kind: 'rate_limited', code: 'HUBSPOT_429_TEN_SECONDLY_ROLLING', retryAfterMs: 10_000 });
      expect(err.message).toBe('hubspot 429 TEN_SECONDLY_ROLLING: You have reached your ten_secondly_rolling limit. (retry in 10000 ms)');
    } finally {
      await small.close();
    }
  });

  it('HubSpot TEN_SECONDLY_ROLLING with Retry-After uses Retry-After', async () => {
    await sandbox.faults([{ provider: 'hubspot', type: 'throttle', throttle: 'hubspot_ten_secondly', retryAfter: 4, count: 1 }]);
    expect(await failure(hubspot().get('contacts', '1'))).toMatchObject({ kind: 'rate_limited', code: 'HUBSPOT_429_TEN_SECONDLY_ROLLING', retryAfterMs: 4000 });
  });

  it('HubSpot DAILY waits until the next UTC midnight when no header says otherwise', async () => {
    const small = await startSandbox({ SANDBOX_HUBSPOT_DAILY_LIMIT: '1' });
    try {
      const client = hubspot(small.url);
      await client.get('contacts', '1');
      const before = Date.now();
      const err = await failure(client.get('contacts', '1'));
      const midnight = new Date(before);
      midnight.setUTCHours(24, 0, 0, 0);
      expect(err).toMatchObject({ kind: 'rate_limited', code: 'HUBSPOT_429_DAILY' });
      expect(Math.abs((err.retryAfterMs ?? 0) - (midnight.getTime() - before))).toBeLessThan(2000);
    } finally {
      await small.close();
    }
  });

  it('HubSpot DAILY with Retry-After uses it', async () => {
    await sandbox.faults([{ provider: 'hubspot', type: 'throttle', throttle: 'hubspot_daily', retryAfter: 3600, count: 1 }]);
    expect(await failure(hubspot().get('contacts', '1'))).toMatchObject({ kind: 'rate_limited', code: 'HUBSPOT_429_DAILY', retryAfterMs: 3_600_000 });
  });

  it('WhatsApp 130429 (HTTP 400, recipient ending 0429): the throughput cap', async () => {
    const err = await failure(whatsapp().sendText({ to: '15550000429', body: 'hi' }));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'WHATSAPP_130429', retryAfterMs: 1000 });
    expect(providerFailure(err)).toMatchObject({ status: 400, providerCode: '130429' });
    expect(err.message).toBe('whatsapp 400 130429: (#130429) Rate limit hit (Cloud API message throughput has been reached.) (retry in 1000 ms)');
  });

  it.each([
    ['meta_80007', 400, 'WHATSAPP_80007'],
    ['meta_4', 429, 'WHATSAPP_4'],
    ['meta_131056', 400, 'WHATSAPP_131056'],
  ] as const)('WhatsApp %s (HTTP %i) → %s with the Retry-After sent', async (throttle, status, code) => {
    await sandbox.faults([{ provider: 'whatsapp', type: 'throttle', throttle, retryAfter: 12, count: 1 }]);
    const err = await failure(whatsapp().sendText({ to: '15551234567', body: 'hi' }));
    expect(err).toMatchObject({ kind: 'rate_limited', code, retryAfterMs: 12_000 });
    expect(providerFailure(err)?.status).toBe(status);
  });

  it('a Slack 429 reaches the notifier as rate_limited', async () => {
    await sandbox.faults([{ provider: 'slack', type: 'rate_limit', retryAfter: 2, count: 1 }]);
    expect(await failure(createNotifier().post(`${sandbox.url}/slack/services/T/B/C`, { text: 'x' }))).toMatchObject({ kind: 'rate_limited', code: 'NOTIFIER_429_RATE_LIMITED', retryAfterMs: 2000 });
  });
});

describe('permanent', () => {
  it('400 invalid parameter and 401 bad token from WhatsApp', async () => {
    const invalid = await failure(whatsapp().sendText({ to: 'not-a-number', body: 'hi' }));
    expect(invalid).toBeInstanceOf(PermanentError);
    expect(invalid).toMatchObject({ kind: 'permanent', code: 'WHATSAPP_100', retryable: false });
    expect(invalid.message).toBe('whatsapp 400 100: (#100) Invalid parameter (Invalid parameter to)');
    const badToken = createWhatsappClient({ baseUrl: sandbox.url, token: 'EAAG-wrong-token-value', phoneNumberId: '1' });
    expect(await failure(badToken.sendText({ to: '15551234567', body: 'hi' }))).toMatchObject({ kind: 'permanent', code: 'WHATSAPP_190' });
  });

  it('404: Stripe unknown payment intent, HubSpot unknown object', async () => {
    const missing = await failure(stripe().refund({ paymentIntent: 'pi_missing', idempotencyKey: 'k-404' }));
    expect(missing).toMatchObject({ kind: 'permanent', code: 'STRIPE_404_RESOURCE_MISSING' });
    expect(missing.message).toBe("stripe 404 resource_missing: No such payment_intent: 'pi_missing'");
    expect(await failure(hubspot().update('deals', '999', { dealstage: 'x' }))).toMatchObject({ kind: 'permanent', code: 'HUBSPOT_404_OBJECT_NOT_FOUND' });
  });

  it('a HubSpot 401 is an authentication failure that says the credentials need renewing, keeping HubSpot\'s own category', async () => {
    await sandbox.faults([{ provider: 'hubspot', type: 'error', status: 401, count: 1 }]);
    const faulted = await failure(hubspot().get('contacts', '1'));
    expect(faulted).toMatchObject({ kind: 'permanent', code: 'HUBSPOT_401_UNAUTHORIZED', retryable: false });
    expect(faulted.message).toMatch(/^hubspot 401 INVALID_AUTHENTICATION: .*\(authentication failed: the hubspot connection's credentials need renewing\)$/);
    expect(providerFailure(faulted)).toMatchObject({ provider: 'hubspot', status: 401, providerCode: 'INVALID_AUTHENTICATION' });
    const wrongToken = await failure(createHubspotClient({ baseUrl: sandbox.url, token: 'hubspot-expired-token' }).get('contacts', '1'));
    expect(wrongToken).toMatchObject({ kind: 'permanent', code: 'HUBSPOT_401_UNAUTHORIZED' });
    expect(wrongToken.message).toContain('credentials need renewing');
  });

  it('Twilio 21211 invalid To and HubSpot 400 validation', async () => {
    const twilio = createTwilioClient({ baseUrl: sandbox.url, accountSid: sandbox.env.SANDBOX_TWILIO_ACCOUNT_SID, authToken: sandbox.env.TWILIO_AUTH_TOKEN, from: 'whatsapp:+14155238886' });
    expect(await failure(twilio.sendMessage({ to: 'whatsapp:+15550021211', body: 'hi' }))).toMatchObject({ kind: 'permanent', code: 'TWILIO_400_21211' });
    expect(await failure(hubspot().upsert('tickets', 'email', [{ id: 'a@b.c', properties: {} }]))).toMatchObject({ kind: 'permanent', code: 'HUBSPOT_400_VALIDATION_ERROR' });
  });
});

describe('secrets never reach an error or a log line', () => {
  it('wrong or right credentials: messages, causes and logged errors hold no token, key or password', async () => {
    const secrets = ['sk_test_wrong_key_0123456789', 'twilio-wrong-token-abc', 'hubspot-wrong-token-xyz', 'paypal-wrong-secret-999'];
    const errors: AppError[] = [
      await failure(createStripeClient({ baseUrl: sandbox.url, apiKey: secrets[0] as string }).refund({ paymentIntent: 'pi_1', idempotencyKey: 'k-secret' })),
      await failure(
        createTwilioClient({ baseUrl: sandbox.url, accountSid: sandbox.env.SANDBOX_TWILIO_ACCOUNT_SID, authToken: secrets[1] as string, from: 'whatsapp:+1' }).sendMessage({ to: 'whatsapp:+15551234567', body: 'x' }),
      ),
      await failure(createHubspotClient({ baseUrl: sandbox.url, token: secrets[2] as string }).get('contacts', '1')),
      await failure(createPaypalClient({ baseUrl: sandbox.url, clientId: 'id', clientSecret: secrets[3] as string }).refund({ captureId: 'C1', requestId: 'r1' })),
    ];
    await sandbox.faults([{ provider: 'stripe', type: 'error', status: 503, count: 1 }, { provider: 'whatsapp', type: 'hang', count: 1 }]);
    errors.push(await failure(refund()));
    errors.push(await failure(createWhatsappClient({ baseUrl: sandbox.url, token: sandbox.env.SANDBOX_WHATSAPP_TOKEN, phoneNumberId: '1' }, { timeoutMs: 100 }).sendText({ to: '15551234567', body: 'x' })));
    expect(errors.map((e) => e.code)).toEqual(['STRIPE_401_UNAUTHORIZED', 'TWILIO_401_UNAUTHORIZED', 'HUBSPOT_401_UNAUTHORIZED', 'PAYPAL_401_UNAUTHORIZED', 'HTTP_503', 'NETWORK_TIMEOUT']);

    const { stream, lines } = captureLogs();
    const log = createLogger({ service: 'connectors-test', stream });
    for (const err of errors) log.error('outbound call failed', { err, error: err, cause: err.cause, message: err.message });
    await new Promise((r) => setImmediate(r));
    const everything = [...errors.map((e) => `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${JSON.stringify(e.cause)}`), ...lines].join('\n');
    const forbidden = [...secrets, sandbox.env.SANDBOX_STRIPE_API_KEY, sandbox.env.SANDBOX_WHATSAPP_TOKEN, sandbox.env.SANDBOX_PAYPAL_CLIENT_SECRET, 'Bearer ', 'Basic '];
    for (const secret of forbidden) expect(everything).not.toContain(secret);
    // Stripe echoes part of a wrong key; the part it shows is scrubbed too.
    expect(errors[0]?.message).toContain('Invalid API Key provided');
  });
});
