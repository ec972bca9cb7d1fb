import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalEvent } from '@switchyard/domain';
import type { InboundRequest } from '../provider-adapter';
import { WebhookRejection } from '../webhook-rejection';
import { hubspotAdapter } from './hubspot-adapter';
import { rejectionOf } from '../../../test/support/adapter-kit';
import { readEvents } from '../../ingest/read-events';
import { must } from '@switchyard/testing';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/hubspot', `${name}.json`), 'utf8')) as Record<string, unknown>;

function request(body: string, contentType = 'application/json'): InboundRequest {
  return { method: 'POST', originalUrl: '/webhooks/hubspot', publicUrl: 'https://hooks.example.com/webhooks/hubspot', headers: { 'content-type': contentType }, query: {}, rawBody: Buffer.from(body) };
}

function parse(event: Record<string, unknown>) {
  const req = request(JSON.stringify([event]));
  const [e] = readEvents(hubspotAdapter, { name: 'default', clientSecret: ['s'] }, req);
  return must(e, 'one event in the delivery');
}

function splitError(body: string, contentType?: string): WebhookRejection {
  return rejectionOf(() => hubspotAdapter.split(request(body, contentType), { name: 'default', clientSecret: ['s'] }));
}

describe('hubspotAdapter', () => {
  it('maps contact.creation to contact.created', () => {
    const e = parse(fixture('contact.creation'));
    expect(e.providerEventId).toBe('1709271234');
    expect(e.type).toBe('contact.creation');
    expect(e.occurredAt?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'contact.created', contactId: '1246965', providerEventId: '1709271234', occurredAt: '2024-05-01T10:00:00.000Z' });
  });

  it('maps contact.propertyChange to contact.updated with the changed property', () => {
    const e = parse(fixture('contact.propertyChange'));
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'contact.updated', contactId: '1246965', email: 'ada@example.com', properties: { email: 'ada@example.com' } });
  });

  it('maps a dealstage change to deal.stage_changed with no old stage', () => {
    const e = parse(fixture('deal.propertyChange'));
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'deal.stage_changed', objectType: 'deal', objectId: '9876543210', oldStage: null, newStage: 'closedwon' });
  });

  it('maps the developer-platform object.propertyChange of a deal (0-3) the same way', () => {
    const e = parse({ ...fixture('deal.propertyChange'), subscriptionType: 'object.propertyChange', objectTypeId: '0-3' });
    expect(e.type).toBe('object.propertyChange');
    expect(e.canonical).toMatchObject({ type: 'deal.stage_changed', newStage: 'closedwon' });
  });

  it.each([
    ['deal.creation', fixture('deal.creation')],
    ['contact.deletion', fixture('contact.deletion')],
    ['another deal property', { ...fixture('deal.propertyChange'), propertyName: 'amount', propertyValue: '100' }],
    ['a company event', { ...fixture('contact.creation'), subscriptionType: 'company.creation' }],
  ])('stores %s as ignored', (_name, event) => {
    expect(parse(event).canonical).toBeNull();
  });

  it('returns every event of a batch, even more than HubSpot’s 100', () => {
    const events = Array.from({ length: 150 }, (_, i) => ({ ...fixture('contact.creation'), eventId: i + 1 }));
    const items = hubspotAdapter.split(request(JSON.stringify(events)), { name: 'default', clientSecret: ['s'] });
    expect(items).toHaveLength(150);
    expect(items[149]?.payload).toEqual(events[149]);
  });

  it('refuses bodies that are not a batch of HubSpot events', () => {
    expect(splitError('{"eventId":1}').message).toBe('expected a JSON array of HubSpot events');
    expect(splitError('[{"eventId":1,').reason).toBe('malformed_body');
    expect(splitError('[{"subscriptionType":"contact.creation"}]').message).toMatch(/^not a batch of HubSpot events: \[0\]\.eventId/);
    expect(splitError('[]', 'text/plain').reason).toBe('wrong_content_type');
  });

  it('reads a mapped event without its objectId as unmapped, naming the field', () => {
    const { objectId: _dropped, ...event } = fixture('contact.creation');
    const e = parse(event);
    expect(e).toMatchObject({ type: 'contact.creation', canonical: null });
    expect(e.unmappedReason).toMatch(/could not be mapped: .*objectId/);
  });

  it('reads the request version from its signature headers: v3, or the legacy v1/v2', () => {
    const body = JSON.stringify([fixture('contact.creation')]);
    const versionOf = (headers: Record<string, string>) => readEvents(hubspotAdapter, { name: 'default', clientSecret: ['s'] }, { ...request(body), headers: { 'content-type': 'application/json', ...headers } })[0];
    expect(versionOf({ 'x-hubspot-signature-v3': 'sig' })).toMatchObject({ apiVersion: 'v3', unknownApiVersion: false });
    expect(versionOf({ 'x-hubspot-signature': 'sig' })).toMatchObject({ apiVersion: 'v1', unknownApiVersion: false });
    expect(versionOf({ 'x-hubspot-signature': 'sig', 'x-hubspot-signature-version': 'V2' })).toMatchObject({ apiVersion: 'v2', unknownApiVersion: false });
  });

  it('validates its connection', () => {
    expect(hubspotAdapter.connectionSchema.parse({ name: 'default', clientSecret: 'a, b' })).toEqual({ name: 'default', clientSecret: ['a', 'b'] });
    expect(hubspotAdapter.connectionSchema.safeParse({ name: 'default' }).success).toBe(false);
  });
});
