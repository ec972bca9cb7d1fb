import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createOwnDatabase, must } from '@switchyard/testing';
import { startReceiver, type TestReceiver } from './harness';

const ORG = '00D5e000000AbCdEAF';
const ACK = '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body>';

// Unique notification ids per test: test files share one database.
const freshId = () => `04l${randomBytes(8).toString('hex').slice(0, 15)}`;

/** A fixture with its notification ids replaced by fresh ones, and optionally repeated `copies` times. */
function message(name: string, copies = 1) {
  const xml = readFileSync(path.join(__dirname, 'fixtures/salesforce', `${name}.xml`), 'utf8');
  const notification = must(/<Notification>[\s\S]*<\/Notification>/.exec(xml), 'a Notification in the fixture')[0];
  const ids = Array.from({ length: copies }, freshId);
  const body = xml.replace(notification, ids.map((id) => notification.replace(/<Id>[^<]+<\/Id>/, `<Id>${id}</Id>`)).join('\n'));
  return { body, ids };
}

describe('POST /webhooks/salesforce', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startReceiver({ env: { SALESFORCE_ORG_ID: ORG.slice(0, 15), BODY_LIMIT_BYTES: String(128 * 1024) } });
  });
  afterAll(() => r.close());

  const rows = (ids: string[]) => r.db.inboundEvent.findMany({ where: { provider: 'salesforce', providerEventId: { in: ids } } });
  const post = (body: string, contentType = 'text/xml; charset=utf-8') => r.request.post('/webhooks/salesforce').set('Content-Type', contentType).set('SOAPAction', '""').send(body);

  it.each([
    ['opportunity', { canonicalType: 'deal.stage_changed', queue: 'crm' }, { objectType: 'opportunity', newStage: 'Closed Won', oldStage: null }],
    ['lead', { canonicalType: 'deal.stage_changed', queue: 'crm' }, { objectType: 'lead', newStage: 'Working - Contacted' }],
    ['contact', { canonicalType: 'contact.updated', queue: 'crm' }, { contactId: '0035e00000Con01AAA', email: 'ada@example.com' }],
    ['account', { canonicalType: null, queue: null, status: 'ignored' }, null],
  ])('stores the %s notification and answers the SOAP Ack', async (name, row, canonical) => {
    const { body, ids } = message(name);
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.text).toContain(ACK);
    const [stored] = await rows(ids);
    expect(stored).toMatchObject(row);
    if (canonical) expect(stored?.canonical).toMatchObject(canonical);
    else expect(stored?.canonical).toBeNull();
  });

  it('splits 100 notifications into 100 events; redelivering the message adds none and still acks', async () => {
    const { body, ids } = message('opportunity', 100);
    expect((await post(body)).status).toBe(200);
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(again.text).toContain(ACK);
    const stored = await rows(ids);
    expect(stored).toHaveLength(100);
    expect(stored.every((row) => row.deliveries === 2)).toBe(true);
  });

  it('redelivers 100-notification batches while the relay marks them queued: every delivery acked, none lost to a deadlock', async () => {
    // Ingest and the relay both lock these rows; they take the locks in one order, so this race
    // ends in waits, never in a deadlock (which had answered 500 to a redelivery in CI).
    // Its own database: no other test's relay may drain these entries first.
    const database = await createOwnDatabase();
    const q = await startReceiver({ relay: false, databaseUrl: database.url, env: { SALESFORCE_ORG_ID: ORG.slice(0, 15), BODY_LIMIT_BYTES: String(128 * 1024) } });
    try {
      const send = (body: string) => q.request.post('/webhooks/salesforce').set('Content-Type', 'text/xml; charset=utf-8').set('SOAPAction', '""').send(body);
      for (let round = 0; round < 8; round++) {
        const { body, ids } = message('opportunity', 100);
        expect((await send(body)).status).toBe(200);
        const [a, b, drained] = await Promise.all([send(body), send(body), q.relay.drainOnce()]);
        expect([a.status, b.status]).toEqual([200, 200]);
        expect(drained).toBeGreaterThanOrEqual(100);
        const stored = await q.db.inboundEvent.findMany({ where: { provider: 'salesforce', providerEventId: { in: ids } } });
        expect(stored.map((row) => [row.deliveries, row.status])).toEqual(Array(100).fill([3, 'queued']));
      }
    } finally {
      await q.close();
      await database.drop();
    }
  });

  const matrix: [string, (m: { body: string }) => { body: string; contentType?: string }, number, string, RegExp][] = [
    ['a wrong org id', (m) => ({ body: m.body.replace(ORG, '00D5e000000ZzZzEAF') }), 403, 'wrong_account', /OrganizationId "00D5e000000ZzZzEAF" is not the Salesforce org configured/],
    ['an org id differing only in case', (m) => ({ body: m.body.replace(ORG, ORG.toLowerCase()) }), 403, 'wrong_account', /is not the Salesforce org configured/],
    ['malformed XML', (m) => ({ body: m.body.replace('</soapenv:Body>', '') }), 400, 'malformed_body', /not well-formed XML/],
    ['XML that is not an outbound message', () => ({ body: '<?xml version="1.0"?><Envelope><Body/></Envelope>' }), 400, 'malformed_body', /not a Salesforce outbound message/],
    ['a wrong content type', (m) => ({ body: m.body, contentType: 'application/json' }), 415, 'wrong_content_type', /expected Content-Type text\/xml/],
    ['an oversized body', (m) => ({ body: m.body.replace('Closed Won', 'x'.repeat(130 * 1024)) }), 413, 'payload_too_large', /exceeds the 131072-byte limit/],
  ];
  it.each(matrix)('refuses %s: says why and stores nothing', async (_name, make, status, reason, text) => {
    const m = message('opportunity');
    const { body, contentType } = make(m);
    const res = await post(body, contentType);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: reason });
    expect(res.body.message).toMatch(text);
    expect(await rows(m.ids)).toHaveLength(0);
  });
});
