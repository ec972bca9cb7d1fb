import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Signature } from '@hubspot/api-client';
import { startReceiver, type TestReceiver } from './harness';

// Signatures come from HubSpot's own SDK, never from our verifier's code.
const SECRET = 'hs-client-secret-current';
const PREVIOUS = 'hs-client-secret-previous';
const URL = 'https://hooks.example.com/webhooks/hubspot';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, 'fixtures/hubspot', `${name}.json`), 'utf8')) as Record<string, unknown>;
// Unique ids per test: test files share one database.
const freshId = () => randomInt(1, 2 ** 47);

function v3(body: string, opts: { secret?: string; timestamp?: number; url?: string } = {}) {
  const timestamp = opts.timestamp ?? Date.now();
  const signature = Signature.getSignature('POST', 'v3', { signature: '', clientSecret: opts.secret ?? SECRET, requestBody: body, url: opts.url ?? URL, timestamp });
  return { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) };
}

describe('POST /webhooks/hubspot', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ env: { HUBSPOT_CLIENT_SECRET: `${SECRET},${PREVIOUS}`, PUBLIC_BASE_URL: 'https://hooks.example.com', BODY_LIMIT_BYTES: String(64 * 1024) } });
  });
  afterAll(() => r.close());

  const rows = (ids: (string | number)[]) => r.db.inboundEvent.findMany({ where: { provider: 'hubspot', providerEventId: { in: ids.map(String) } }, orderBy: { providerEventId: 'asc' } });
  const post = (body: string, headers: Record<string, string>, contentType = 'application/json') => r.request.post('/webhooks/hubspot').set('Content-Type', contentType).set(headers).send(body);

  it('stores one row per event of a batch, mapped and routed to the crm queue', async () => {
    const events = ['contact.creation', 'contact.propertyChange', 'deal.propertyChange', 'deal.creation', 'contact.deletion'].map((name) => ({ ...fixture(name), eventId: freshId() }));
    const body = JSON.stringify(events);
    const res = await post(body, v3(body));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 5, duplicates: 0 });
    const byId = new Map((await rows(events.map((e) => e.eventId as number))).map((row) => [row.providerEventId, row]));
    const [created, updated, stage, dealCreated, deleted] = events.map((e) => byId.get(String(e.eventId)));
    expect(created).toMatchObject({ type: 'contact.creation', canonicalType: 'contact.created', queue: 'crm', occurredAt: new Date(1714557600000) });
    expect(updated?.canonical).toMatchObject({ type: 'contact.updated', contactId: '1246965', email: 'ada@example.com' });
    expect(stage?.canonical).toMatchObject({ type: 'deal.stage_changed', objectType: 'deal', objectId: '9876543210', oldStage: null, newStage: 'closedwon' });
    expect(dealCreated).toMatchObject({ status: 'ignored', canonicalType: null, queue: null });
    expect(deleted).toMatchObject({ status: 'ignored', canonicalType: null });
    expect(created?.payload).toEqual(events[0]);
    expect(JSON.stringify(created?.headers)).not.toMatch(/x-hubspot-signature/i);
  });

  it('turns a batch of 100 into 100 events; redelivering it adds none', async () => {
    const base = freshId();
    const events = Array.from({ length: 100 }, (_, i) => ({ ...fixture('contact.creation'), eventId: base + i, objectId: 5000 + i }));
    const body = JSON.stringify(events);
    const first = await post(body, v3(body));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: 100, duplicates: 0 });
    const again = await post(body, v3(body));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ received: 100, duplicates: 100 });
    const stored = await rows(events.map((e) => e.eventId));
    expect(stored).toHaveLength(100);
    expect(stored.every((row) => row.deliveries === 2)).toBe(true);
  });

  it('accepts both configured client secrets (rotation) and the legacy v1/v2 signatures', async () => {
    const ids: number[] = [];
    const send = async (headers: (body: string) => Record<string, string>) => {
      const event = { ...fixture('contact.creation'), eventId: freshId() };
      ids.push(event.eventId);
      const body = JSON.stringify([event]);
      return (await post(body, headers(body))).status;
    };
    expect(await send((b) => v3(b))).toBe(200);
    expect(await send((b) => v3(b, { secret: PREVIOUS }))).toBe(200);
    expect(await send((b) => ({ 'X-HubSpot-Signature': Signature.getSignature('POST', 'v1', { signature: '', clientSecret: PREVIOUS, requestBody: b }), 'X-HubSpot-Signature-Version': 'v1' }))).toBe(200);
    expect(await send((b) => ({ 'X-HubSpot-Signature': Signature.getSignature('POST', 'v2', { signature: '', clientSecret: SECRET, requestBody: b, url: URL }), 'X-HubSpot-Signature-Version': 'v2' }))).toBe(200);
    expect(await rows(ids)).toHaveLength(4);
  });

  const matrix: [string, (body: string) => { body: string; headers: Record<string, string>; contentType?: string }, number, string, RegExp][] = [
    ['a missing signature header', (b) => ({ body: b, headers: {} }), 401, 'missing_signature', /missing X-HubSpot-Signature-v3 header/],
    ['a wrong secret', (b) => ({ body: b, headers: v3(b, { secret: 'someone-else' }) }), 401, 'invalid_signature', /does not match the request for any configured client secret/],
    ['a tampered body', (b) => ({ body: b.replace('1246965', '1246966'), headers: v3(b) }), 401, 'invalid_signature', /does not match/],
    ['a signature for another URL', (b) => ({ body: b, headers: v3(b, { url: 'https://hooks.example.com/webhooks/other' }) }), 401, 'invalid_signature', /does not match/],
    ['a stale timestamp', (b) => ({ body: b, headers: v3(b, { timestamp: Date.now() - 6 * 60_000 }) }), 401, 'stale_timestamp', /X-HubSpot-Request-Timestamp is 3\d\d s away from now \(tolerance 300 s\)/],
    ['malformed JSON', (b) => ({ body: b.slice(0, -3), headers: v3(b.slice(0, -3)) }), 400, 'malformed_body', /not valid JSON/],
    ['an object instead of an array', (b) => ({ body: b.slice(1, -1), headers: v3(b.slice(1, -1)) }), 400, 'malformed_body', /expected a JSON array of HubSpot events/],
    ['a wrong content type', (b) => ({ body: b, headers: v3(b), contentType: 'text/plain' }), 415, 'wrong_content_type', /expected Content-Type application\/json, got "text\/plain"/],
    ['an oversized body', (b) => ({ body: b.replace('"CRM_UI"', `"${'x'.repeat(70 * 1024)}"`), headers: v3(b) }), 413, 'payload_too_large', /exceeds the 65536-byte limit/],
  ];
  it.each(matrix)('refuses %s: says why and stores nothing', async (_name, make, status, reason, message) => {
    const event = { ...fixture('contact.creation'), eventId: freshId() };
    const { body, headers, contentType } = make(JSON.stringify([event]));
    const res = await post(body, headers, contentType);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: reason });
    expect(res.body.message).toMatch(message);
    expect(await rows([event.eventId])).toHaveLength(0);
    expect(r.logs.join('')).not.toContain(SECRET);
  });
});
