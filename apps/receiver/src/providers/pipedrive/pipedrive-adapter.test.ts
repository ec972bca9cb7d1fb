import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalEvent } from '@switchyard/domain';
import type { InboundRequest } from '../provider-adapter';
import { pipedriveAdapter } from './pipedrive-adapter';
import { rejectionOf, verifyNow } from '../../../test/support/adapter-kit';
import { readEvents } from '../../ingest/read-events';
import { must } from '@switchyard/testing';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/pipedrive', `${name}.json`), 'utf8')) as Record<string, unknown> & { meta: Record<string, unknown> };
const conn = { name: 'default', user: 'switchyard', password: ['n3w-pa55', 'old-pa55'] };
const now = new Date('2024-05-01T10:10:00.000Z');
// Written from RFC 7617 here, not imported from the code under test.
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function request(body: string, headers: Record<string, string | undefined> = {}): InboundRequest {
  return { method: 'POST', originalUrl: '/webhooks/pipedrive', publicUrl: 'https://hooks.example.com/webhooks/pipedrive', headers: { 'content-type': 'application/json', authorization: basic('switchyard', 'n3w-pa55'), ...headers }, query: {}, rawBody: Buffer.from(body) };
}

function ingest(event: unknown) {
  const req = request(JSON.stringify(event));
  verifyNow(pipedriveAdapter, req, conn, now);
  const [e] = readEvents(pipedriveAdapter, conn, req);
  return must(e, 'one event in the delivery');
}


describe('pipedriveAdapter', () => {
  it('maps a deal change that moved the stage to deal.stage_changed', () => {
    const e = ingest(fixture('change.deal'));
    expect(e.providerEventId).toBe('481516:deal:1842:change:2024-05-01T10:06:00.412Z');
    expect(e.type).toBe('change.deal');
    expect(e.occurredAt?.toISOString()).toBe('2024-05-01T10:06:00.412Z');
    expect(canonicalEvent.parse(e.canonical)).toMatchObject({ type: 'deal.stage_changed', objectType: 'deal', objectId: '1842', oldStage: '3', newStage: '4', contact: { id: '731' } });
    expect(e.payload).toEqual(fixture('change.deal'));
  });

  it('reads webhooks v1 bodies into the same canonical events, keeping the v1 payload', () => {
    const deal = ingest(fixture('updated.deal.v1'));
    expect(deal).toMatchObject({ type: 'updated.deal', providerEventId: '481517:deal:1842:updated:1714557960', apiVersion: '1.0', unknownApiVersion: false, unmappedReason: null });
    expect(deal.occurredAt?.toISOString()).toBe('2024-05-01T10:06:00.000Z');
    expect(canonicalEvent.parse(deal.canonical)).toMatchObject({ type: 'deal.stage_changed', objectType: 'deal', objectId: '1842', oldStage: '3', newStage: '4', contact: { id: '731' } });
    expect(deal.payload).toEqual(fixture('updated.deal.v1'));
    const person = ingest(fixture('added.person.v1'));
    expect(canonicalEvent.parse(person.canonical)).toMatchObject({ type: 'contact.created', contactId: '731', email: 'ada@example.com', phone: '+447700900123', name: 'Ada Lovelace' });
    // v1 sends the whole previous object: an update that kept the stage is no stage change.
    const same = fixture('updated.deal.v1');
    same.previous = { ...(same.previous as Record<string, unknown>), stage_id: 4 };
    expect(ingest(same).canonical).toBeNull();
  });

  it('states v1 and v2 as the versions it knows', () => {
    expect(ingest(fixture('change.deal'))).toMatchObject({ apiVersion: '2.0', unknownApiVersion: false });
    expect(ingest({ ...fixture('change.deal'), meta: { ...fixture('change.deal').meta, version: '3.0' } })).toMatchObject({ apiVersion: '3.0', unknownApiVersion: true, unmappedReason: null });
  });

  it('maps person create and change to contact.created and contact.updated', () => {
    expect(canonicalEvent.parse(ingest(fixture('create.person')).canonical)).toMatchObject({ type: 'contact.created', contactId: '731', email: 'ada@example.com', phone: '+447700900123', name: 'Ada Lovelace' });
    expect(canonicalEvent.parse(ingest(fixture('change.person')).canonical)).toMatchObject({ type: 'contact.updated', contactId: '731', email: 'ada.king@example.com', name: 'Ada King' });
  });

  it('accepts the v1 action names too', () => {
    expect(ingest({ ...fixture('create.person'), meta: { ...fixture('create.person').meta, action: 'added' } }).canonical?.type).toBe('contact.created');
    expect(ingest({ ...fixture('change.deal'), meta: { ...fixture('change.deal').meta, action: 'updated' } }).canonical?.type).toBe('deal.stage_changed');
  });

  it.each([
    ['a deletion', fixture('delete.person')],
    ['a deal creation', fixture('create.deal')],
    ['a deal change that kept the stage', { ...fixture('change.deal'), previous: { title: 'Acme' } }],
    ['a deal change with the same stage', { ...fixture('change.deal'), previous: { stage_id: 4 } }],
    ['an organization change', { ...fixture('change.person'), meta: { ...fixture('change.person').meta, entity: 'organization' } }],
  ])('stores %s as ignored', (_name, event) => {
    expect(ingest(event).canonical).toBeNull();
  });

  it('keeps one id across retry attempts and different ids for different changes', () => {
    const first = fixture('change.deal');
    expect(ingest({ ...first, meta: { ...first.meta, attempt: 3 } }).providerEventId).toBe(ingest(first).providerEventId);
    expect(ingest({ ...first, meta: { ...first.meta, timestamp: '2024-05-01T10:06:01.001Z' } }).providerEventId).not.toBe(ingest(first).providerEventId);
  });

  it('reads unix-second and millisecond timestamps', () => {
    const e = fixture('change.deal');
    expect(ingest({ ...e, meta: { ...e.meta, timestamp: 1714557960 } }).occurredAt?.toISOString()).toBe('2024-05-01T10:06:00.000Z');
    expect(ingest({ ...e, meta: { ...e.meta, timestamp: '1714557960412' } }).occurredAt?.toISOString()).toBe('2024-05-01T10:06:00.412Z');
  });

  it('accepts both configured passwords (rotation)', () => {
    const body = JSON.stringify(fixture('create.person'));
    expect(() => pipedriveAdapter.verify(request(body, { authorization: basic('switchyard', 'old-pa55') }), conn, now)).not.toThrow();
  });

  it.each([
    ['no Authorization header', undefined, 'missing Authorization header'],
    ['a Bearer token', 'Bearer abc', 'Authorization header is not HTTP Basic credentials'],
    ['Basic without a colon', `Basic ${Buffer.from('switchyard').toString('base64')}`, 'Authorization header is not HTTP Basic credentials'],
    ['a wrong password', basic('switchyard', 'guess'), 'wrong credentials'],
    ['a wrong user', basic('someone', 'n3w-pa55'), 'wrong credentials'],
  ])('refuses %s with 401 invalid_credentials, echoing nothing', (_name, authorization, message) => {
    const err = rejectionOf(() => pipedriveAdapter.verify(request('{}', { authorization }), conn, now));
    expect(err.reason).toBe('invalid_credentials');
    expect(err.status).toBe(401);
    expect(err.message).toBe(message);
  });

  it('refuses bodies that are neither v1 nor v2 webhooks, naming what is missing', () => {
    expect(rejectionOf(() => pipedriveAdapter.split(request('{"meta":'), conn)).message).toMatch(/not valid JSON/);
    expect(rejectionOf(() => pipedriveAdapter.split(request('{"current":{},"meta":{"v":1,"action":"updated","object":"deal"}}'), conn)).message).toMatch(/^not a Pipedrive v1 webhook: meta\.webhook_id .*meta\.timestamp/);
    expect(rejectionOf(() => pipedriveAdapter.split(request('{"data":{},"meta":{"action":"change"}}'), conn)).message).toMatch(/^not a Pipedrive v2 webhook: meta\.entity/);
    expect(rejectionOf(() => pipedriveAdapter.split(request('{}', { 'content-type': 'text/plain' }), conn)).reason).toBe('wrong_content_type');
  });

  it('validates its connection', () => {
    expect(pipedriveAdapter.connectionSchema.parse({ name: 'default', user: 'u', password: 'a,b' })).toEqual({ name: 'default', user: 'u', password: ['a', 'b'] });
    expect(pipedriveAdapter.connectionSchema.safeParse({ name: 'default', user: 'u' }).success).toBe(false);
  });
});
