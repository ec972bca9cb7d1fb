import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalEvent } from '@switchyard/domain';
import twilio from 'twilio';
import type { InboundRequest } from '../provider-adapter';
import { twilioAdapter, type TwilioConnection } from './twilio-adapter';
import { rejectionOf, verifyNow } from '../../../test/support/adapter-kit';
import { readEvents } from '../../ingest/read-events';
import { must } from '@switchyard/testing';

const fixture = (name: string): Record<string, string> => JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/twilio', `${name}.json`), 'utf8'));
const conn: TwilioConnection = { name: 'default', authToken: ['token_current', 'token_previous'] };
const URL = 'https://hooks.example.com/webhooks/twilio';

function formRequest(params: Record<string, string>, opts: { signUrl?: string; token?: string; url?: string; signature?: string | null; body?: string } = {}): InboundRequest {
  const signature = opts.signature === undefined ? twilio.getExpectedTwilioSignature(opts.token ?? 'token_current', opts.signUrl ?? URL, params) : opts.signature;
  return {
    method: 'POST',
    originalUrl: '/webhooks/twilio',
    publicUrl: opts.url ?? URL,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    query: {},
    rawBody: Buffer.from(opts.body ?? new URLSearchParams(params).toString()),
  };
}

function jsonRequest(json: string, opts: { hashOf?: string; token?: string } = {}): InboundRequest {
  const url = `${URL}?bodySHA256=${createHash('sha256').update(opts.hashOf ?? json).digest('hex')}`;
  const signature = twilio.getExpectedTwilioSignature(opts.token ?? 'token_current', url, {});
  return { method: 'POST', originalUrl: url.slice(URL.length - '/webhooks/twilio'.length), publicUrl: url, headers: { 'content-type': 'application/json', 'x-twilio-signature': signature }, query: {}, rawBody: Buffer.from(json) };
}


function ingest(req: InboundRequest) {
  verifyNow(twilioAdapter, req, conn, new Date());
  const [e] = readEvents(twilioAdapter, conn, req);
  return must(e, 'one event in the delivery');
}

describe('twilio verify', () => {
  const params = fixture('inbound-message');

  it('accepts a signature made by the twilio package, for either rotated token', () => {
    for (const token of ['token_current', 'token_previous']) {
      const req = formRequest(params, { token });
      expect(twilio.validateRequest(token, must(req.headers['x-twilio-signature'], 'the signature header'), URL, params)).toBe(true);
      expect(() => twilioAdapter.verify(req, conn, new Date())).not.toThrow();
    }
  });

  it('accepts the URL signed with or without the default port', () => {
    expect(() => twilioAdapter.verify(formRequest(params, { signUrl: 'https://hooks.example.com:443/webhooks/twilio' }), conn, new Date())).not.toThrow();
    expect(() => twilioAdapter.verify(formRequest(params, { url: 'https://hooks.example.com:443/webhooks/twilio' }), conn, new Date())).not.toThrow();
  });

  it('signs repeated keys the way Twilio does', () => {
    const body = 'MessageSid=SMx&Body=hi&From=whatsapp%3A%2B1&MediaUrl=b&MediaUrl=a';
    const signature = twilio.getExpectedTwilioSignature('token_current', URL, { MessageSid: 'SMx', Body: 'hi', From: 'whatsapp:+1', MediaUrl: ['b', 'a'] } as unknown as Record<string, string>);
    expect(() => twilioAdapter.verify(formRequest({}, { body, signature }), conn, new Date())).not.toThrow();
  });

  it.each([
    ['a missing header', () => formRequest(params, { signature: null }), 'missing_signature', /missing X-Twilio-Signature/],
    ['a wrong token', () => formRequest(params, { token: 'someone_else' }), 'invalid_signature', /does not match https:\/\/hooks.example.com\/webhooks\/twilio/],
    ['another URL', () => formRequest(params, { signUrl: 'https://evil.example.com/webhooks/twilio' }), 'invalid_signature', /does not match/],
    ['a tampered parameter', () => formRequest(params, { body: new URLSearchParams({ ...params, Body: 'refund me' }).toString() }), 'invalid_signature', /does not match/],
  ])('refuses %s', (_name, make, reason, message) => {
    const r = rejectionOf(() => twilioAdapter.verify(make(), conn, new Date()));
    expect([r.reason, r.status]).toEqual([reason, 401]);
    expect(r.message).toMatch(message);
    expect(r.message).not.toContain('token_current');
  });

  it('refuses a content type Twilio does not send', () => {
    const r = rejectionOf(() => twilioAdapter.verify({ ...formRequest(params), headers: { 'content-type': 'text/plain', 'x-twilio-signature': 'x' } }, conn, new Date()));
    expect([r.reason, r.status]).toEqual(['wrong_content_type', 415]);
  });

  it('verifies a JSON body by its bodySHA256, cross-checked with validateRequestWithBody', () => {
    const json = JSON.stringify({ MessageSid: 'SMjson', MessageStatus: 'sent', To: 'whatsapp:+16505551234' });
    const req = jsonRequest(json);
    expect(twilio.validateRequestWithBody('token_current', must(req.headers['x-twilio-signature'], 'the signature header'), req.publicUrl, json)).toBe(true);
    expect(ingest(req)).toMatchObject({ providerEventId: 'SMjson:sent', canonical: { type: 'message.status_changed', status: 'sent' } });
    const tampered = { ...jsonRequest(json), rawBody: Buffer.from(json.replace('sent', 'read')) };
    expect(rejectionOf(() => twilioAdapter.verify(tampered, conn, new Date())).message).toMatch(/does not match the bodySHA256/);
  });
});

describe('twilio parse', () => {
  it('maps an inbound WhatsApp message, stripping the whatsapp: prefix; no provider time', () => {
    const e = ingest(formRequest(fixture('inbound-message')));
    expect(e.providerEventId).toBe('SM7e4b1a4f1c6bd0a7a6b5c4d3e2f1a0b9');
    expect(e.type).toBe('message');
    expect(e.occurredAt).toBeNull();
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'message.received', channel: 'twilio', from: '+16505551234', to: '+14155238886', text: 'Hi! Where is my order?', messageType: 'text', profileName: 'Sheena Nelson' });
  });

  it.each([
    ['queued', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
  ])('maps status %s to %s, keyed by sid and status', (raw, status) => {
    const params = { ...fixture('status-delivered'), MessageStatus: raw, SmsStatus: raw };
    const e = ingest(formRequest(params));
    expect(e.providerEventId).toBe(`SM0c5a9e2f3b4d5e6f7a8b9c0d1e2f3a4b:${raw}`);
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'message.status_changed', channel: 'twilio', status, recipient: '+16505551234' });
  });

  it('carries the error code of an undelivered message', () => {
    expect(ingest(formRequest(fixture('status-undelivered'))).canonical).toMatchObject({ status: 'failed', errorCode: '63016', errorMessage: expect.stringContaining('outside the allowed window') });
  });

  it('stores unknown statuses as ignored and refuses a request without MessageSid', () => {
    expect(ingest(formRequest({ ...fixture('status-delivered'), MessageStatus: 'partially_delivered' }))).toMatchObject({ type: 'status.partially_delivered', canonical: null });
    const r = rejectionOf(() => twilioAdapter.split(formRequest({ Body: 'hi' }), conn));
    expect([r.reason, r.message]).toEqual(['malformed_body', 'Twilio request has no MessageSid']);
  });

  it('answers with empty TwiML so Twilio sends no reply', () => {
    expect(must(twilioAdapter.acknowledge, 'an acknowledge hook')(1)).toMatchObject({ status: 200, contentType: 'text/xml', body: expect.stringContaining('<Response></Response>') });
  });
});
