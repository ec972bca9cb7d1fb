import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import twilio from 'twilio';
import { startReceiver, type TestReceiver } from './harness';

const PUBLIC_BASE_URL = 'https://hooks.example.com';
const URL = `${PUBLIC_BASE_URL}/webhooks/twilio`;
const fixture = (name: string): Record<string, string> => JSON.parse(readFileSync(path.join(__dirname, 'fixtures/twilio', `${name}.json`), 'utf8'));
const sid = () => `SM${randomBytes(16).toString('hex')}`;

// Signatures come from Twilio's own package.
const sign = (params: Record<string, string>, token = 'tw_current', url = URL) => twilio.getExpectedTwilioSignature(token, url, params);

function inbound() {
  const messageSid = sid();
  return { ...fixture('inbound-message'), MessageSid: messageSid, SmsSid: messageSid, SmsMessageSid: messageSid };
}

describe('POST /webhooks/twilio', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ env: { TWILIO_AUTH_TOKEN: 'tw_current,tw_previous', PUBLIC_BASE_URL, BODY_LIMIT_BYTES: String(16 * 1024) } });
  });
  afterAll(() => r.close());

  const rowsFor = (providerEventId: string) => r.db.inboundEvent.findMany({ where: { provider: 'twilio', providerEventId } });
  const post = (body: string, headers: Record<string, string | undefined>, pathAndQuery = '/webhooks/twilio') => {
    const req = r.request.post(pathAndQuery);
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) req.set(k, v);
    return req.send(body);
  };
  const deliver = (params: Record<string, string>, token?: string, signedUrl?: string) =>
    post(new URLSearchParams(params).toString(), { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': sign(params, token, signedUrl) });

  it('stores an inbound WhatsApp message and answers empty TwiML', async () => {
    const params = inbound();
    const res = await deliver(params);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.text).toContain('<Response></Response>');
    const [row] = await rowsFor(params.MessageSid);
    expect(row).toMatchObject({ type: 'message', canonicalType: 'message.received', queue: 'whatsapp', occurredAt: null });
    expect(row?.canonical).toMatchObject({ channel: 'twilio', from: '+16505551234', text: 'Hi! Where is my order?' });
  });

  it('stores each status of one message once, keyed by sid and status', async () => {
    const messageSid = sid();
    for (const status of ['sent', 'delivered', 'read', 'read']) {
      const params = { ...fixture('status-delivered'), MessageSid: messageSid, SmsSid: messageSid, MessageStatus: status, SmsStatus: status };
      expect((await deliver(params)).status).toBe(200);
    }
    const rows = await r.db.inboundEvent.findMany({ where: { provider: 'twilio', providerEventId: { startsWith: messageSid } }, orderBy: { providerEventId: 'asc' } });
    expect(rows.map((row) => [row.providerEventId, row.deliveries])).toEqual([
      [`${messageSid}:delivered`, 1],
      [`${messageSid}:read`, 2],
      [`${messageSid}:sent`, 1],
    ]);
  });

  it('stores an undelivered status as failed with its error code', async () => {
    const messageSid = sid();
    await deliver({ ...fixture('status-undelivered'), MessageSid: messageSid, SmsSid: messageSid }).expect(200);
    const [row] = await rowsFor(`${messageSid}:undelivered`);
    expect(row?.canonical).toMatchObject({ type: 'message.status_changed', status: 'failed', errorCode: '63016' });
  });

  it('accepts both rotated tokens and the URL signed with the default port', async () => {
    for (const token of ['tw_current', 'tw_previous']) expect((await deliver(inbound(), token)).status).toBe(200);
    expect((await deliver(inbound(), 'tw_current', 'https://hooks.example.com:443/webhooks/twilio')).status).toBe(200);
  });

  it('accepts a JSON body signed through bodySHA256', async () => {
    const messageSid = sid();
    const body = JSON.stringify({ MessageSid: messageSid, MessageStatus: 'delivered', To: 'whatsapp:+16505551234' });
    const pathAndQuery = `/webhooks/twilio?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const signature = twilio.getExpectedTwilioSignature('tw_current', `${PUBLIC_BASE_URL}${pathAndQuery}`, {});
    expect(twilio.validateRequestWithBody('tw_current', signature, `${PUBLIC_BASE_URL}${pathAndQuery}`, body)).toBe(true);
    expect((await post(body, { 'Content-Type': 'application/json', 'X-Twilio-Signature': signature }, pathAndQuery)).status).toBe(200);
    expect(await rowsFor(`${messageSid}:delivered`)).toHaveLength(1);
  });

  it.each([
    ['missing signature', (p: Record<string, string>) => ({ body: new URLSearchParams(p).toString(), headers: {} }), 401, 'missing_signature', /missing X-Twilio-Signature header/],
    ['wrong token', (p: Record<string, string>) => ({ body: new URLSearchParams(p).toString(), headers: { 'X-Twilio-Signature': sign(p, 'someone_else') } }), 401, 'invalid_signature', /does not match https:\/\/hooks.example.com\/webhooks\/twilio/],
    ['tampered body', (p: Record<string, string>) => ({ body: new URLSearchParams({ ...p, Body: 'refund me' }).toString(), headers: { 'X-Twilio-Signature': sign(p) } }), 401, 'invalid_signature', /does not match/],
    ['a form without MessageSid', (p: Record<string, string>) => {
      const { MessageSid: _a, SmsSid: _b, SmsMessageSid: _c, ...rest } = p;
      return { body: new URLSearchParams(rest).toString(), headers: { 'X-Twilio-Signature': sign(rest) } };
    }, 400, 'malformed_body', /Twilio request has no MessageSid/],
    ['wrong content type', (p: Record<string, string>) => ({ body: JSON.stringify(p), headers: { 'Content-Type': 'text/plain', 'X-Twilio-Signature': sign(p) } }), 415, 'wrong_content_type', /expected Content-Type application\/x-www-form-urlencoded/],
    ['oversized body', (p: Record<string, string>) => ({ body: new URLSearchParams({ ...p, Body: 'x'.repeat(20 * 1024) }).toString(), headers: { 'X-Twilio-Signature': 'unchecked' } }), 413, 'payload_too_large', /exceeds the 16384-byte limit/],
  ])('refuses %s with a clear status and message, storing nothing', async (_name, make, status, error, message) => {
    const params = inbound();
    const sent = make(params);
    const res = await post(sent.body, { 'Content-Type': 'application/x-www-form-urlencoded', ...sent.headers });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error, message: expect.stringMatching(message) });
    expect(await rowsFor(params.MessageSid)).toHaveLength(0);
    expect(r.logs.join('')).not.toContain('tw_current');
  });

  it('refuses malformed JSON (signed through bodySHA256) with 400', async () => {
    const body = '{"MessageSid": ';
    const pathAndQuery = `/webhooks/twilio?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const res = await post(body, { 'Content-Type': 'application/json', 'X-Twilio-Signature': twilio.getExpectedTwilioSignature('tw_current', `${PUBLIC_BASE_URL}${pathAndQuery}`, {}) }, pathAndQuery);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not valid JSON/);
  });
});
