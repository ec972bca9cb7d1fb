import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalEvent } from '@switchyard/domain';
import type { InboundRequest } from '../provider-adapter';
import { whatsappAdapter, type WhatsappConnection } from './whatsapp-adapter';
import { rejectionOf, verifyNow } from '../../../test/support/adapter-kit';
import { readEvents } from '../../ingest/read-events';
import { must } from '@switchyard/testing';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../../test/fixtures/whatsapp', `${name}.json`), 'utf8');
const conn: WhatsappConnection = { name: 'default', appSecret: ['app_current', 'app_previous'], verifyToken: ['tok-current', 'tok-previous'] };

// Meta publishes no signer; these lines follow its docs: sha256=<hex HMAC-SHA256(app secret, body)>.
const sign = (body: string, secret = 'app_current') => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function request(body: string, headers: Record<string, string | undefined> = {}, query: Record<string, string> = {}): InboundRequest {
  return {
    method: 'POST',
    originalUrl: '/webhooks/whatsapp',
    publicUrl: 'https://hooks.example.com/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body), ...headers },
    query,
    rawBody: Buffer.from(body),
  };
}


function ingest(body: string) {
  const req = request(body);
  verifyNow(whatsappAdapter, req, conn, new Date());
  return readEvents(whatsappAdapter, conn, req);
}

describe('whatsapp verify', () => {
  const body = fixture('messages.text');

  it('accepts either of two rotated app secrets', () => {
    for (const secret of ['app_current', 'app_previous']) expect(() => whatsappAdapter.verify(request(body, { 'x-hub-signature-256': sign(body, secret) }), conn, new Date())).not.toThrow();
  });

  it.each([
    ['a missing header', undefined, 'missing_signature', /missing X-Hub-Signature-256/],
    ['no sha256= prefix', createHmac('sha256', 'app_current').update(body).digest('hex'), 'invalid_signature', /not of the form sha256=<hex>/],
    ['a wrong secret', sign(body, 'someone_else'), 'invalid_signature', /does not match/],
    ['a signature of another body', sign(`${body} `), 'invalid_signature', /does not match/],
  ])('refuses %s', (_name, header, reason, message) => {
    const r = rejectionOf(() => whatsappAdapter.verify(request(body, { 'x-hub-signature-256': header }), conn, new Date()));
    expect(r.reason).toBe(reason);
    expect(r.status).toBe(401);
    expect(r.message).toMatch(message);
  });
});

describe('whatsapp handshake', () => {
  const get = (query: Record<string, string>, c: WhatsappConnection = conn) => must(whatsappAdapter.handleGet, 'a GET handler')(request('', {}, query), c);

  it('echoes the challenge as text for either configured token', () => {
    for (const token of ['tok-current', 'tok-previous'])
      expect(get({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' })).toEqual({ status: 200, contentType: 'text/plain', body: '1158201444' });
  });

  it('refuses a wrong token with 403 invalid_verify_token', () => {
    const r = rejectionOf(() => get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok-currenT', 'hub.challenge': '1' }));
    expect([r.reason, r.status]).toEqual(['invalid_verify_token', 403]);
    expect(r.message).toBe('hub.verify_token does not match the configured verify token');
  });

  it('refuses when no token is configured, and a request that is not a handshake', () => {
    expect(rejectionOf(() => get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': '1' }, { ...conn, verifyToken: undefined })).message).toMatch(/no verify token is configured/);
    const r = rejectionOf(() => get({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok-current', 'hub.challenge': '1' }));
    expect([r.reason, r.status]).toEqual(['malformed_body', 400]);
  });
});

describe('whatsapp Graph API versions', () => {
  // Payloads do not name their version: the connection states what the app's subscription is set to.
  const read = (body: string, apiVersion?: string) => {
    const c: WhatsappConnection = { ...conn, apiVersion };
    return readEvents(whatsappAdapter, c, request(body));
  };
  /** A status as v21.0 rendered it (conversation-based pricing) and as v23.0 does (per-message pricing, no conversation). */
  const statusIn = (version: 'v21.0' | 'v23.0') => {
    const body = JSON.parse(fixture('statuses.delivered'));
    const status = body.entry[0].changes[0].value.statuses[0];
    if (version === 'v21.0') status.pricing = { billable: true, pricing_model: 'CBP', category: 'utility' };
    else delete status.conversation;
    return JSON.stringify(body);
  };

  it.each(['v21.0', 'v23.0'] as const)('maps a status in the %s shape the same way', (version) => {
    const [e] = read(statusIn(version), version);
    expect(e).toMatchObject({ apiVersion: version, unknownApiVersion: false, unmappedReason: null });
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'message.status_changed', status: 'delivered', recipient: '16505551234' });
  });

  it('maps an event of a version it does not know when its shape parses, flagged; without a stated version nothing is checked', () => {
    expect(read(statusIn('v23.0'), 'v99.0')[0]).toMatchObject({ apiVersion: 'v99.0', unknownApiVersion: true, unmappedReason: null, canonical: expect.objectContaining({ status: 'delivered' }) });
    expect(read(statusIn('v23.0'))[0]).toMatchObject({ apiVersion: null, unknownApiVersion: false });
  });

  it('takes the version as vN.N only', () => {
    expect(whatsappAdapter.connectionSchema.safeParse({ ...conn, apiVersion: 'latest' }).success).toBe(false);
    expect(whatsappAdapter.connectionSchema.parse({ ...conn, apiVersion: 'v23.0' }).apiVersion).toBe('v23.0');
  });
});

describe('whatsapp split and parse', () => {
  it('maps an inbound text message, id = wamid', () => {
    const [e, ...rest] = ingest(fixture('messages.text'));
    expect(rest).toHaveLength(0);
    expect(e?.providerEventId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=');
    expect(e?.occurredAt?.toISOString()).toBe('2025-06-08T20:59:43.000Z');
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({
      type: 'message.received',
      channel: 'whatsapp_cloud',
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      from: '16505551234',
      to: '15550783881',
      text: 'Does it come in another color?',
      messageType: 'text',
      profileName: 'Sheena Nelson',
    });
  });

  it.each(['sent', 'delivered', 'read'])('maps a %s status; the key includes the status because all share the wamid', (status) => {
    const [e] = ingest(fixture(`statuses.${status}`));
    expect(e?.providerEventId).toBe(`wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA:${status}`);
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'message.status_changed', status, recipient: '16505551234', errorCode: undefined });
  });

  it('keeps each member of a group apart: one event per participant, with the group and the participant', () => {
    const events = ingest(fixture('statuses.group'));
    const wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGRDk2RDhBMEI5RTk3MDBCNzEA';
    expect(events.map((e) => e.providerEventId)).toEqual([`${wamid}:delivered:16505551234`, `${wamid}:delivered:16505556789`]);
    expect(events.map((e) => canonicalEvent.parse(e.canonical))).toMatchObject([
      { type: 'message.status_changed', messageId: wamid, status: 'delivered', recipient: 'Y2FwaV9ncm91cDoxNTU1MDc4Mzg4MToxMjAzNjM0MDM1ODM1MjYyMDMZD', recipientType: 'group', recipientParticipant: '16505551234' },
      { recipientType: 'group', recipientParticipant: '16505556789' },
    ]);
  });

  it('maps a failed status with its error code as a string', () => {
    const [e] = ingest(fixture('statuses.failed'));
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'message.status_changed', status: 'failed', errorCode: '131047', errorMessage: expect.stringContaining('more than 24 hours') });
  });

  it('maps a template status update', () => {
    const [e] = ingest(fixture('message_template_status_update'));
    expect(e?.providerEventId).toBe('1315502779341834:APPROVED');
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'template.status_changed', templateName: 'order_confirmation', language: 'en_US', status: 'APPROVED', reason: undefined, occurredAt: '2025-06-08T20:59:43.000Z' });
  });

  it('stores other fields and unknown statuses as ignored, with a stable id', () => {
    const [a] = ingest(fixture('phone_number_quality_update'));
    const [b] = ingest(fixture('phone_number_quality_update'));
    expect(a).toMatchObject({ type: 'phone_number_quality_update', canonical: null });
    expect(a?.providerEventId).toBe(b?.providerEventId);
    const deleted = JSON.parse(fixture('statuses.read'));
    deleted.entry[0].changes[0].value.statuses[0].status = 'deleted';
    expect(ingest(JSON.stringify(deleted))[0]).toMatchObject({ type: 'statuses.deleted', canonical: null });
  });

  it('splits a batch of 3 messages and 2 statuses over two entries into 5 events', () => {
    const msg = JSON.parse(fixture('messages.text'));
    const st = JSON.parse(fixture('statuses.sent'));
    const m = msg.entry[0].changes[0].value.messages[0];
    msg.entry[0].changes[0].value.messages = [m, { ...m, id: 'wamid.B', type: 'button', button: { text: 'Yes', payload: 'yes' } }];
    const s = st.entry[0].changes[0].value.statuses[0];
    st.entry[0].changes[0].value.statuses = [s, { ...s, status: 'delivered' }];
    st.entry[0].changes.push({ field: 'messages', value: { ...msg.entry[0].changes[0].value, messages: [{ ...m, id: 'wamid.C' }] } });
    const events = ingest(JSON.stringify({ object: 'whatsapp_business_account', entry: [msg.entry[0], st.entry[0]] }));
    expect(events.map((e) => e.providerEventId)).toEqual([m.id, 'wamid.B', `${s.id}:sent`, `${s.id}:delivered`, 'wamid.C']);
    expect(events[1]?.canonical).toMatchObject({ messageType: 'button', text: 'Yes' });
  });

  it.each([
    ['malformed JSON', '{"object":', /not valid JSON/],
    ['no entry', '{"object":"whatsapp_business_account"}', /not a WhatsApp webhook: body.entry/],
    ['a message without id', JSON.stringify({ object: 'x', entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [{ from: '1', type: 'text' }] } }] }] }), /entry.0.changes.0.value.messages.0.id/],
  ])('refuses %s as malformed', (_name, body, message) => {
    const r = rejectionOf(() => whatsappAdapter.split(request(body), conn));
    expect([r.reason, r.status]).toEqual(['malformed_body', 400]);
    expect(r.message).toMatch(message);
  });
});
