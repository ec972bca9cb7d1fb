import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { canonicalEvent } from '@switchyard/domain';
import type { InboundRequest } from '../provider-adapter';
import { salesforceAdapter } from './salesforce-adapter';
import { rejectionOf, verifyNow } from '../../../test/support/adapter-kit';
import { readEvents } from '../../ingest/read-events';
import { must } from '@switchyard/testing';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../../test/fixtures/salesforce', `${name}.xml`), 'utf8');
const conn = { name: 'default', orgId: '00D5e000000AbCdEAF' };
const now = new Date('2024-05-01T10:10:00.000Z');

function request(body: string, contentType = 'text/xml; charset=utf-8'): InboundRequest {
  return { method: 'POST', originalUrl: '/webhooks/salesforce', publicUrl: 'https://hooks.example.com/webhooks/salesforce', headers: { 'content-type': contentType }, query: {}, rawBody: Buffer.from(body) };
}

function ingest(body: string, connection = conn) {
  const req = request(body);
  verifyNow(salesforceAdapter, req, connection, now);
  return readEvents(salesforceAdapter, connection, req);
}

describe('salesforceAdapter', () => {
  it('maps an Opportunity with StageName to deal.stage_changed', () => {
    const [e] = ingest(fixture('opportunity'));
    expect(e?.providerEventId).toBe('04l5e00000OppN1AAA');
    expect(e?.type).toBe('Opportunity');
    expect(e?.occurredAt?.toISOString()).toBe('2024-05-01T10:02:00.000Z');
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'deal.stage_changed', objectType: 'opportunity', objectId: '0065e00000Opp01AAA', oldStage: null, newStage: 'Closed Won' });
    expect(e?.payload).toMatchObject({ organizationId: '00D5e000000AbCdEAF', actionId: '04k5e000000Opp1AAA', sObject: { Name: 'Acme & Co - 200 seats', Amount: '12500.0' } });
  });

  it("keeps an Opportunity's ContactId as the deal's contact", () => {
    const [e] = ingest(fixture('opportunity').replace('<sf:Amount>', '<sf:ContactId>0035e00000Con01AAA</sf:ContactId>\n     <sf:Amount>'));
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'deal.stage_changed', objectId: '0065e00000Opp01AAA', contact: { id: '0035e00000Con01AAA' } });
  });

  it('maps a Lead with Status to deal.stage_changed with the lead as contact', () => {
    const [e] = ingest(fixture('lead'));
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'deal.stage_changed', objectType: 'lead', objectId: '00Q5e00000Lea01AAA', newStage: 'Working - Contacted', contact: { email: 'hank@globex.example', phone: '+14155550100', name: 'Hank Scorpio' } });
  });

  it('maps a Contact to contact.updated, nil fields as null, time from SystemModstamp', () => {
    const [e] = ingest(fixture('contact'));
    expect(e?.occurredAt?.toISOString()).toBe('2024-05-01T10:04:00.000Z');
    expect(canonicalEvent.parse(e?.canonical)).toMatchObject({ type: 'contact.updated', contactId: '0035e00000Con01AAA', email: 'ada@example.com', phone: '+447700900123', name: 'Ada Lovelace', properties: { Phone: null, FirstName: 'Ada' } });
  });

  it('stores other sObjects, and an Opportunity without StageName, as ignored', () => {
    expect(ingest(fixture('account'))[0]?.canonical).toBeNull();
    expect(ingest(fixture('opportunity').replace(/<sf:StageName>.*<\/sf:StageName>/, ''))[0]?.canonical).toBeNull();
  });

  it('splits every Notification of a message', () => {
    const one = must(/<Notification>[\s\S]*<\/Notification>/.exec(fixture('opportunity')), 'a Notification in the fixture')[0];
    const many = Array.from({ length: 100 }, (_, i) => one.replace('04l5e00000OppN1AAA', `04l5e00000Opp${String(i).padStart(3, '0')}AA`)).join('\n');
    const events = ingest(fixture('opportunity').replace(one, many));
    expect(events).toHaveLength(100);
    expect(new Set(events.map((e) => e.providerEventId)).size).toBe(100);
  });

  it('reads any namespace prefixes a sender chooses', () => {
    const xml = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><s:Body><out:notifications xmlns:out="http://soap.sforce.com/2005/09/outbound"><out:OrganizationId>00D5e000000AbCd</out:OrganizationId><out:Notification><out:Id>04l000000000001AAA</out:Id><out:sObject i:type="obj:Opportunity" xmlns:obj="urn:sobject.enterprise.soap.sforce.com"><obj:Id>006000000000001AAA</obj:Id><obj:StageName>Prospecting</obj:StageName></out:sObject></out:Notification></out:notifications></s:Body></s:Envelope>`;
    const [e] = ingest(xml);
    expect(e?.canonical).toMatchObject({ type: 'deal.stage_changed', newStage: 'Prospecting' });
    expect(e?.occurredAt).toBeNull();
  });

  it('compares the first 15 characters of the org id, case-sensitively', () => {
    expect(() => ingest(fixture('opportunity'), { name: 'default', orgId: '00D5e000000AbCd' })).not.toThrow();
    expect(() => ingest(fixture('opportunity'), { name: 'default', orgId: '00D5e000000AbCdXYZ' })).not.toThrow();
    const wrong = rejectionOf(() => ingest(fixture('opportunity'), { name: 'default', orgId: '00D5e000000abcd' }));
    expect(wrong.reason).toBe('wrong_account');
    expect(wrong.status).toBe(403);
    expect(wrong.message).toBe('OrganizationId "00D5e000000AbCdEAF" is not the Salesforce org configured for this connection');
    expect(rejectionOf(() => ingest(fixture('opportunity').replace('00D5e000000AbCdEAF', '00D5e'))).reason).toBe('wrong_account');
  });

  it.each([
    ['malformed XML', '<soapenv:Envelope><soapenv:Body>', 'text/xml', 'malformed_body', /not well-formed XML/],
    ['an empty body', '', 'text/xml', 'malformed_body', /empty body/],
    ['XML that is not an outbound message', '<?xml version="1.0"?><hello>world</hello>', 'text/xml', 'malformed_body', /not a Salesforce outbound message: Envelope/],
    ['a message without OrganizationId', fixture('opportunity').replace(/<OrganizationId>.*<\/OrganizationId>/, ''), 'text/xml', 'malformed_body', /OrganizationId/],
    ['JSON', '{"a":1}', 'application/json', 'wrong_content_type', /expected Content-Type text\/xml/],
  ])('refuses %s', (_name, body, contentType, reason, message) => {
    const err = rejectionOf(() => salesforceAdapter.verify(request(body, contentType), conn, now));
    expect(err.reason).toBe(reason);
    expect(err.message).toMatch(message);
  });

  it('answers the SOAP Ack Salesforce requires', () => {
    const ack = must(salesforceAdapter.acknowledge, 'an acknowledge hook')(1);
    expect(ack.status).toBe(200);
    expect(ack.contentType).toBe('text/xml');
    const parsed = new XMLParser({ removeNSPrefix: true }).parse(ack.body);
    expect(parsed.Envelope.Body.notificationsResponse.Ack).toBe(true);
    expect(ack.body).toContain('<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>');
  });

  it('validates its connection', () => {
    expect(salesforceAdapter.connectionSchema.safeParse({ name: 'default', orgId: '00D5e000000AbCdEAF' }).success).toBe(true);
    const bad = salesforceAdapter.connectionSchema.safeParse({ name: 'default', orgId: '00D5e' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('must be a 15- or 18-character Salesforce org id');
  });
});
