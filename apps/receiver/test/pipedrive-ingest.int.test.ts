import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startReceiver, type TestReceiver } from './harness';

const USER = 'switchyard';
const PASSWORD = 'pd-pass-current';
const PREVIOUS = 'pd-pass-previous';
// No package builds Pipedrive's header; this is RFC 7617 Basic, written here from the spec.
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

type Event = { meta: Record<string, unknown> } & Record<string, unknown>;
/** A fixture with a fresh webhook id, so its dedup key is unique: test files share one database. */
function event(name: string): { body: string; key: string; value: Event } {
  const value = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/pipedrive', `${name}.json`), 'utf8')) as Event;
  value.meta.webhook_id = randomUUID();
  const m = value.meta;
  return { body: JSON.stringify(value), key: `${m.webhook_id}:${m.entity}:${m.entity_id}:${m.action}:${m.timestamp}`, value };
}

describe('POST /webhooks/pipedrive', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ env: { PIPEDRIVE_WEBHOOK_USER: USER, PIPEDRIVE_WEBHOOK_PASSWORD: `${PASSWORD},${PREVIOUS}`, BODY_LIMIT_BYTES: String(64 * 1024) } });
  });
  afterAll(() => r.close());

  const rows = (key: string) => r.db.inboundEvent.findMany({ where: { provider: 'pipedrive', providerEventId: key } });
  const post = (body: string, authorization: string | undefined = basic(USER, PASSWORD), contentType = 'application/json') => {
    const req = r.request.post('/webhooks/pipedrive').set('Content-Type', contentType);
    if (authorization) req.set('Authorization', authorization);
    return req.send(body);
  };

  it.each([
    ['change.deal', { type: 'change.deal', canonicalType: 'deal.stage_changed', queue: 'crm' }, { objectType: 'deal', objectId: '1842', oldStage: '3', newStage: '4' }],
    ['create.person', { type: 'create.person', canonicalType: 'contact.created', queue: 'crm' }, { contactId: '731', email: 'ada@example.com' }],
    ['change.person', { type: 'change.person', canonicalType: 'contact.updated', queue: 'crm' }, { contactId: '731', email: 'ada.king@example.com' }],
    ['delete.person', { type: 'delete.person', canonicalType: null, status: 'ignored' }, null],
    ['create.deal', { type: 'create.deal', canonicalType: null, status: 'ignored' }, null],
  ])('stores %s', async (name, row, canonical) => {
    const e = event(name);
    const res = await post(e.body);
    expect(res.status).toBe(200);
    const [stored] = await rows(e.key);
    expect(stored).toMatchObject({ ...row, occurredAt: new Date(e.value.meta.timestamp as string) });
    if (canonical) expect(stored?.canonical).toMatchObject(canonical);
    expect(stored?.payload).toEqual(e.value);
    expect(JSON.stringify(stored?.headers)).not.toMatch(/authorization/i);
  });

  it('counts a retry attempt of the same change as a duplicate', async () => {
    const e = event('change.deal');
    expect((await post(e.body)).status).toBe(200);
    const retry = await post(JSON.stringify({ ...e.value, meta: { ...e.value.meta, attempt: 2 } }));
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ received: 1, duplicates: 1 });
    const stored = await rows(e.key);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.deliveries).toBe(2);
  });

  it('stores a webhooks v1 delivery as the same canonical event, payload as sent', async () => {
    const value = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/pipedrive/updated.deal.v1.json'), 'utf8')) as Event;
    value.meta.webhook_id = randomUUID();
    expect((await post(JSON.stringify(value))).status).toBe(200);
    const [stored] = await rows(`${value.meta.webhook_id}:deal:1842:updated:1714557960`);
    expect(stored).toMatchObject({ type: 'updated.deal', canonicalType: 'deal.stage_changed', queue: 'crm', payload: value });
    expect(stored?.canonical).toMatchObject({ objectId: '1842', oldStage: '3', newStage: '4' });
  });

  it('accepts both configured passwords (rotation)', async () => {
    for (const password of [PASSWORD, PREVIOUS]) {
      const e = event('create.person');
      expect((await post(e.body, basic(USER, password))).status).toBe(200);
      expect(await rows(e.key)).toHaveLength(1);
    }
  });

  const matrix: [string, (body: string) => { body: string; authorization?: string; contentType?: string }, number, string, RegExp][] = [
    ['a missing Authorization header', (b) => ({ body: b, authorization: '' }), 401, 'invalid_credentials', /^missing Authorization header$/],
    ['a wrong password', (b) => ({ body: b, authorization: basic(USER, 'guessed') }), 401, 'invalid_credentials', /^wrong credentials$/],
    ['a wrong user', (b) => ({ body: b, authorization: basic('admin', PASSWORD) }), 401, 'invalid_credentials', /^wrong credentials$/],
    ['a non-Basic scheme', (b) => ({ body: b, authorization: `Bearer ${PASSWORD}` }), 401, 'invalid_credentials', /not HTTP Basic/],
    ['malformed JSON', (b) => ({ body: b.slice(0, -2) }), 400, 'malformed_body', /not valid JSON/],
    ['a v1 payload without its webhook id and timestamp', () => ({ body: '{"v":1,"event":"updated.deal","current":{},"previous":{},"meta":{"action":"updated","object":"deal","id":1}}' }), 400, 'malformed_body', /not a Pipedrive v1 webhook: meta.webhook_id/],
    ['a wrong content type', (b) => ({ body: b, contentType: 'application/x-www-form-urlencoded' }), 415, 'wrong_content_type', /expected Content-Type application\/json/],
    ['an oversized body', (b) => ({ body: b.replace('"Acme - 200 seats"', `"${'x'.repeat(70 * 1024)}"`) }), 413, 'payload_too_large', /exceeds the 65536-byte limit/],
  ];
  it.each(matrix)('refuses %s: says why, echoes nothing, stores nothing', async (_name, make, status, reason, text) => {
    const e = event('change.deal');
    const { body, authorization, contentType } = make(e.body);
    const res = await post(body, authorization ?? basic(USER, PASSWORD), contentType);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: reason });
    expect(res.body.message).toMatch(text);
    expect(res.text).not.toContain('guessed');
    expect(await rows(e.key)).toHaveLength(0);
    expect(r.logs.join('')).not.toContain(PASSWORD);
  });
});
