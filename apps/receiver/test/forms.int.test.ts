import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSettings, parseSettings, type Settings } from '@switchyard/settings';
import { eventually, startReceiver, type TestReceiver } from './harness';
import { must } from '@switchyard/testing';

const root = path.join(__dirname, '../../..');

/** `.env.example` as the quick start sources it. */
function envExample(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path.join(root, '.env.example'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    // Quoted values lose their quotes, as scripts/lib.sh's load_env reads them (a hash holds `$`).
    if (m?.[1]) out[m[1]] = (m[2] ?? '').replace(/^'(.*)'$|^"(.*)"$/, '$1$2');
  }
  return out;
}

const FORM_SECRET = 'form-secret-for-tests';

/** The example file's `contact-us` form, plus a signed form and a tightly limited one. */
function testForms(): Settings['forms'] {
  const example = loadSettings(path.join(root, 'switchyard.example.yaml'), envExample());
  const extra = parseSettings(
    {
      version: 1,
      forms: {
        signed: { fields: { email: { type: 'email', required: true } }, secret: FORM_SECRET, mapping: { email: 'email' }, routing: 'leads' },
        limited: { fields: { name: { type: 'string' } }, mapping: { name: 'name' }, routing: 'leads', rateLimitPerMinute: 3 },
      },
      leadRouting: { leads: { default: { owners: ['sales@example.com'] } } },
    },
    {},
  );
  return { ...example.forms, ...extra.forms };
}

/**
 * Each test submits from its own address, so the per-IP limits of one test never touch another:
 * the receiver trusts the loopback "proxy" (the test) to name the client in X-Forwarded-For.
 */
const newIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

function lead(overrides: Record<string, unknown> = {}) {
  return { name: 'Ada Lovelace', email: `Ada.${randomUUID().slice(0, 8)}@Example.COM`, phone: '+44 (20) 7946-0958', region: 'EU', source: 'partner', consent: true, ...overrides };
}

describe('POST /forms/:formId', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ forms: testForms(), env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => r.close());

  const post = (formId: string, body: unknown, ip = newIp()) => r.request.post(`/forms/${formId}`).set('X-Forwarded-For', ip).send(body as object);
  const rowsFor = (formId: string, providerEventId: string) => r.db.inboundEvent.findMany({ where: { provider: 'form', connection: formId, providerEventId } });

  it('stores a valid submission with its outbox row, normalised, and enqueues one crm job', async () => {
    const body = lead();
    const res = await post('contact-us', body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'accepted' });
    const row = await r.db.inboundEvent.findUnique({ where: { id: res.body.id } });
    expect(row).toMatchObject({ provider: 'form', connection: 'contact-us', type: 'lead.submitted', canonicalType: 'lead.submitted', queue: 'crm', deliveries: 1 });
    expect(row?.providerEventId).toBe(createHash('sha256').update('contact-us').update('\n').update(JSON.stringify(body)).digest('hex'));
    expect(row?.canonical).toEqual({
      provider: 'form',
      connection: 'contact-us',
      providerEventId: row?.providerEventId,
      occurredAt: expect.any(String),
      type: 'lead.submitted',
      formId: 'contact-us',
      name: 'Ada Lovelace',
      email: (body.email as string).toLowerCase(),
      phone: '442079460958',
      region: 'EU',
      source: 'partner',
      consent: true,
      fields: { name: 'Ada Lovelace', email: (body.email as string).toLowerCase(), phone: '442079460958', region: 'EU', source: 'partner', consent: true },
    });
    expect(row?.payload).toEqual(body);
    const outbox = await r.db.outboxEntry.findMany({ where: { eventId: res.body.id } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ queue: 'crm', jobId: `crm.evt.${res.body.id}` });
    expect(await eventually(async () => (await r.db.inboundEvent.findUnique({ where: { id: res.body.id } }))?.status === 'queued')).toBe(true);
    expect((await r.queue('crm').getJob(`crm.evt.${res.body.id}`))?.data).toEqual({ eventId: res.body.id });
  });

  it('accepts an urlencoded HTML form post', async () => {
    const email = `grace.${randomUUID().slice(0, 8)}@example.com`;
    const res = await r.request.post('/forms/contact-us').set('X-Forwarded-For', newIp()).type('form').send(`name=Grace+Hopper&email=${encodeURIComponent(email)}&region=US&consent=on`);
    expect(res.status).toBe(202);
    const row = await r.db.inboundEvent.findUnique({ where: { id: res.body.id } });
    expect(row?.canonical).toMatchObject({ name: 'Grace Hopper', email, region: 'US', consent: true });
  });

  it('turns an identical double-submit into one event, answering 200 duplicate', async () => {
    const body = lead();
    const first = await post('contact-us', body);
    const second = await post('contact-us', body);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id: first.body.id, status: 'accepted', duplicate: true });
    const row = await r.db.inboundEvent.findUnique({ where: { id: first.body.id } });
    expect(await rowsFor('contact-us', must(row, 'the stored event').providerEventId)).toHaveLength(1);
    expect(row?.deliveries).toBe(2);
    expect(await r.db.outboxEntry.count({ where: { eventId: first.body.id } })).toBe(1);
  });

  it('uses the Idempotency-Key header as the event id when given', async () => {
    const key = `lead-${randomUUID()}`;
    const ip = newIp();
    const first = await r.request.post('/forms/contact-us').set('X-Forwarded-For', ip).set('Idempotency-Key', key).send(lead());
    const retry = await r.request.post('/forms/contact-us').set('X-Forwarded-For', ip).set('Idempotency-Key', key).send(lead({ name: 'Ada L.' }));
    expect([first.status, retry.status]).toEqual([202, 200]);
    expect(retry.body.duplicate).toBe(true);
    expect(await rowsFor('contact-us', key)).toHaveLength(1);
  });

  it('lists every invalid field in one 400 and stores nothing', async () => {
    const before = await r.db.inboundEvent.count({ where: { provider: 'form' } });
    const res = await post('contact-us', { email: 'not-an-email', phone: '12-34', region: 'APAC', source: 'x'.repeat(101), consent: 'maybe', favouriteColour: 'blue' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_form');
    expect(res.body.fields).toEqual([
      { field: 'name', problem: 'required' },
      { field: 'email', problem: 'not an email address' },
      { field: 'phone', problem: expect.stringMatching(/^not a phone number/) },
      { field: 'region', problem: 'not allowed (one of: EU, US, IN)' },
      { field: 'source', problem: 'too long (at most 100 characters)' },
      { field: 'consent', problem: 'must be true or false' },
      { field: 'favouriteColour', problem: 'unknown field' },
    ]);
    expect(res.body.message).toMatch(/^7 invalid fields: name \(required\), email \(not an email address\)/);
    expect(await r.db.inboundEvent.count({ where: { provider: 'form' } })).toBe(before);
  });

  it('answers 404 naming an unknown form', async () => {
    const res = await post('newsletter', lead());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'unknown_form', message: 'no form "newsletter" is configured' });
  });

  it('answers 413 naming the limit for an oversized body', async () => {
    const res = await post('contact-us', lead({ source: 'x'.repeat(20 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'payload_too_large', message: 'body exceeds the 16384-byte limit for forms' });
  });

  it('answers 415 for a body that is neither JSON nor urlencoded', async () => {
    const res = await r.request.post('/forms/contact-us').set('X-Forwarded-For', newIp()).set('Content-Type', 'text/plain').send('name=Ada');
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('wrong_content_type');
  });

  describe('a form with a secret', () => {
    const body = () => JSON.stringify({ email: `s.${randomUUID().slice(0, 8)}@example.com` });
    const send = (payload: string, headers: Record<string, string>) => r.request.post('/forms/signed').set('X-Forwarded-For', newIp()).set('Content-Type', 'application/json').set(headers).send(payload);

    it('refuses a submission without the secret, naming the headers', async () => {
      const res = await send(body(), {});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'missing_secret', message: expect.stringContaining('X-Switchyard-Form-Secret') });
    });

    it('refuses a wrong secret and a wrong signature', async () => {
      const wrongSecret = await send(body(), { 'X-Switchyard-Form-Secret': 'guess' });
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body).toEqual({ error: 'invalid_secret', message: 'X-Switchyard-Form-Secret is wrong' });
      const payload = body();
      const signedOther = createHmac('sha256', FORM_SECRET).update(`${payload} `).digest('hex');
      const wrongSignature = await send(payload, { 'X-Switchyard-Signature': `sha256=${signedOther}` });
      expect(wrongSignature.status).toBe(401);
      expect(wrongSignature.body).toEqual({ error: 'invalid_signature', message: 'X-Switchyard-Signature does not match the body' });
      expect(JSON.stringify(r.logs)).not.toContain(FORM_SECRET);
    });

    it('accepts the secret header and an HMAC signature of the raw body, storing neither', async () => {
      const bySecret = await send(body(), { 'X-Switchyard-Form-Secret': FORM_SECRET });
      expect(bySecret.status).toBe(202);
      const payload = body();
      const bySignature = await send(payload, { 'X-Switchyard-Signature': `sha256=${createHmac('sha256', FORM_SECRET).update(payload).digest('hex')}` });
      expect(bySignature.status).toBe(202);
      for (const id of [bySecret.body.id, bySignature.body.id]) {
        const row = await r.db.inboundEvent.findUnique({ where: { id } });
        expect(JSON.stringify(row?.headers)).not.toMatch(/x-switchyard-(form-secret|signature)|sha256=/i);
      }
    });
  });

  it('answers 400 naming the limit to a JSON body nested deeper than 64 levels', async () => {
    const res = await r.request.post('/forms/contact-us').set('X-Forwarded-For', newIp()).set('Content-Type', 'application/json').send(`{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'nesting_too_deep', message: 'JSON nesting is deeper than the limit of 64 levels' });
  });

  it('answers 429 with Retry-After once one address passes the per-minute limit', async () => {
    const ip = newIp();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post('limited', { name: `n${i}-${randomUUID()}` }, ip));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429, 429]);
    expect(Number(must(answers[3], 'the fourth answer').headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(must(answers[3], 'the fourth answer').headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(must(answers[3], 'the fourth answer').body).toEqual({ error: 'rate_limited', message: expect.stringContaining('more than 3 submissions of form "limited" per minute') });
    // Another address is not affected.
    expect((await post('limited', { name: 'other' }, newIp())).status).toBe(202);
  });
});

describe('POST /forms/:formId with Postgres down', () => {
  it('answers 503 with Retry-After, like webhooks', async () => {
    const r = await startReceiver({ forms: testForms(), env: { TRUST_PROXY: 'loopback' }, databaseUrl: 'postgresql://root@127.0.0.1:1/nowhere' });
    try {
      const res = await r.request.post('/forms/contact-us').set('X-Forwarded-For', newIp()).send(lead());
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toEqual({ error: 'database_unavailable', message: 'the event store is unavailable; retry later' });
    } finally {
      await r.close();
    }
  });
});
