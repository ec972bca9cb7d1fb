import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startReceiver, type TestReceiver } from './harness';
import { must } from '@switchyard/testing';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, 'fixtures/whatsapp', `${name}.json`), 'utf8'));

// Meta publishes no signer; this follows its docs: sha256=<hex HMAC-SHA256(app secret, raw body)>.
const sign = (body: string, secret = 'wa_app_current') => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const wamid = () => `wamid.${Buffer.from(randomUUID()).toString('base64')}`;

/** A fixture with fresh ids, so test files sharing the database never collide. */
function freshMessage() {
  const body = fixture('messages.text');
  const id = wamid();
  body.entry[0].changes[0].value.messages[0].id = id;
  return { body, id };
}
function freshStatus(name: string, id = wamid()) {
  const body = fixture(`statuses.${name}`);
  body.entry[0].changes[0].value.statuses[0].id = id;
  return { body, id };
}

describe('/webhooks/whatsapp', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ env: { WHATSAPP_APP_SECRET: 'wa_app_current,wa_app_previous', WHATSAPP_VERIFY_TOKEN: 'verify-me-please', BODY_LIMIT_BYTES: String(16 * 1024) } });
  });
  afterAll(() => r.close());

  const rowsFor = (providerEventId: string) => r.db.inboundEvent.findMany({ where: { provider: 'whatsapp', providerEventId } });
  const post = (body: string, headers: Record<string, string | undefined>) => {
    const req = r.request.post('/webhooks/whatsapp');
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) req.set(k, v);
    return req.send(body);
  };
  const deliver = (json: unknown, secret?: string) => {
    const body = JSON.stringify(json);
    return post(body, { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(body, secret) });
  };

  describe('GET (subscription handshake)', () => {
    it('echoes hub.challenge as text/plain when the verify token matches', async () => {
      const res = await r.request.get('/webhooks/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me-please', 'hub.challenge': '1158201444' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe('1158201444');
    });

    it('refuses a wrong verify token with 403 invalid_verify_token', async () => {
      const res = await r.request.get('/webhooks/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1158201444' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'invalid_verify_token', message: 'hub.verify_token does not match the configured verify token' });
      expect(res.text).not.toContain('1158201444');
      expect(r.logs.join('')).not.toContain('verify-me-please');
    });
  });

  it.each([
    ['an inbound message', () => freshMessage(), (id: string) => id, 'message.received', { channel: 'whatsapp_cloud', text: 'Does it come in another color?', profileName: 'Sheena Nelson' }],
    ['a read status', () => freshStatus('read'), (id: string) => `${id}:read`, 'message.status_changed', { status: 'read' }],
    ['a failed status', () => freshStatus('failed'), (id: string) => `${id}:failed`, 'message.status_changed', { status: 'failed', errorCode: '131047' }],
  ])('stores %s for the whatsapp worker', async (_name, make, key, canonicalType, fields) => {
    const { body, id } = make();
    expect((await deliver(body)).status).toBe(200);
    const [row] = await rowsFor(key(id));
    expect(row).toMatchObject({ canonicalType, queue: 'whatsapp' });
    expect(row?.canonical).toMatchObject({ type: canonicalType, ...fields });
  });

  it('stores a template status update', async () => {
    const body = fixture('message_template_status_update');
    const templateId = Number(String(Date.now()) + String(Math.floor(Math.random() * 1000)).padStart(3, '0'));
    body.entry[0].changes[0].value.message_template_id = templateId;
    expect((await deliver(body)).status).toBe(200);
    const [row] = await rowsFor(`${templateId}:APPROVED`);
    expect(row).toMatchObject({ canonicalType: 'template.status_changed', queue: 'whatsapp' });
  });

  it('splits 3 messages and 2 statuses into 5 events; redelivering adds none', async () => {
    const { body } = freshMessage();
    const value = body.entry[0].changes[0].value;
    const m = value.messages[0];
    const ids = [wamid(), wamid(), wamid()];
    value.messages = ids.map((id: string) => ({ ...m, id }));
    const outbound = wamid();
    const statuses = freshStatus('sent', outbound).body.entry[0].changes[0];
    statuses.value.statuses.push({ ...statuses.value.statuses[0], status: 'delivered', timestamp: '1750263774' });
    body.entry[0].changes.push(statuses);
    const keys = [...ids, `${outbound}:sent`, `${outbound}:delivered`];

    const first = await deliver(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: 5, duplicates: 0 });
    const count = () => r.db.inboundEvent.count({ where: { provider: 'whatsapp', providerEventId: { in: keys } } });
    expect(await count()).toBe(5);

    const again = await deliver(body, 'wa_app_previous');
    expect(again.body).toMatchObject({ received: 5, duplicates: 5 });
    expect(await count()).toBe(5);
    expect((await rowsFor(must(ids[0], 'the first message id')))[0]?.deliveries).toBe(2);
  });

  it('accepts both rotated app secrets', async () => {
    for (const secret of ['wa_app_current', 'wa_app_previous']) expect((await deliver(freshMessage().body, secret)).status).toBe(200);
  });

  it.each([
    ['missing signature', (b: string) => ({ body: b, headers: { 'X-Hub-Signature-256': undefined } }), 401, 'missing_signature', /missing X-Hub-Signature-256 header/],
    ['wrong secret', (b: string) => ({ body: b, headers: { 'X-Hub-Signature-256': sign(b, 'someone_else') } }), 401, 'invalid_signature', /does not match/],
    ['tampered body', (b: string) => ({ body: b.replace('another color', 'a refund'), headers: { 'X-Hub-Signature-256': sign(b) } }), 401, 'invalid_signature', /does not match/],
    ['malformed JSON', (b: string) => ({ body: b.slice(0, 40), headers: { 'X-Hub-Signature-256': sign(b.slice(0, 40)) } }), 400, 'malformed_body', /not valid JSON/],
    ['wrong content type', (b: string) => ({ body: b, headers: { 'Content-Type': 'text/plain', 'X-Hub-Signature-256': sign(b) } }), 415, 'wrong_content_type', /expected Content-Type application\/json/],
    ['oversized body', (b: string) => ({ body: b.replace('"text"', `"text", "pad": "${'x'.repeat(20 * 1024)}"`), headers: { 'X-Hub-Signature-256': 'sha256=00' } }), 413, 'payload_too_large', /exceeds the 16384-byte limit/],
  ])('refuses %s with a clear status and message, storing nothing', async (_name, make, status, error, message) => {
    const { body, id } = freshMessage();
    const sent = make(JSON.stringify(body));
    const res = await post(sent.body, { 'Content-Type': 'application/json', ...sent.headers });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error, message: expect.stringMatching(message) });
    expect(await rowsFor(id)).toHaveLength(0);
    expect(r.logs.join('')).not.toContain('wa_app_current');
  });
});
