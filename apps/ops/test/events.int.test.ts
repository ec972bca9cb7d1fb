import { randomBytes, randomUUID } from 'node:crypto';
import { recordInboundEvents, type NewInboundEvent } from '@switchyard/db';
import { bearer, startOps, type TestOps } from './harness';

// Test files share one database: everything here is under a provider name no other file uses.
const provider = `ops-test-${randomBytes(4).toString('hex')}`;
const base = Date.parse('2025-06-01T00:00:00.000Z');
const COUNT = 25;

interface Fixture {
  id: string;
  providerEventId: string;
  type: string;
  receivedAt: Date;
}

let ops: TestOps;
const fixtures: Fixture[] = [];

function event(i: number): NewInboundEvent {
  return {
    id: randomUUID(),
    provider,
    connection: i % 5 === 0 ? 'acct-b' : 'default',
    providerEventId: `evt_${i}`,
    type: i % 3 === 0 ? 'charge.refunded' : 'payment_intent.succeeded',
    canonicalType: i % 3 === 0 ? 'payment.refunded' : 'payment.succeeded',
    queue: 'payments',
    status: 'received',
    payload: { id: `evt_${i}`, api_key: 'sk_live_secret', nested: { webhook_secret: 'whsec_nested_secret', amount: 100 + i } },
    canonical: { kind: 'payment', amount: 100 + i, apiKey: 'sk_live_canonical' },
    headers: { 'content-type': 'application/json', 'x-webhook-secret-hint': 'whsec_in_a_header' },
    occurredAt: new Date(base - 60_000),
    outbox: null,
  };
}

function get(path: string) {
  return ops.request.get(path).set(bearer);
}

async function listIds(query: string): Promise<string[]> {
  const res = await get(`/api/events?provider=${provider}&limit=200&${query}`);
  expect(res.status).toBe(200);
  return (res.body.items as { id: string }[]).map((e) => e.id);
}

beforeAll(async () => {
  ops = await startOps();
  const events = Array.from({ length: COUNT }, (_, i) => event(i));
  await recordInboundEvents(ops.database, events);
  for (const [i, e] of events.entries()) {
    // One second apart, except the last five share a timestamp so pages must break ties by id.
    const receivedAt = new Date(base + Math.min(i, 20) * 1000);
    await ops.db.inboundEvent.update({ where: { id: e.id }, data: { receivedAt } });
    fixtures.push({ id: e.id, providerEventId: e.providerEventId, type: e.type, receivedAt });
  }
  const [failed, processed, dead] = [fixtures[1], fixtures[2], fixtures[4]];
  if (!failed || !processed || !dead) throw new Error('fixtures missing');
  await ops.db.inboundEvent.update({ where: { id: failed.id }, data: { status: 'failed', attempts: 2, lastError: 'crm answered 503' } });
  await ops.db.inboundEvent.update({ where: { id: processed.id }, data: { status: 'processed', attempts: 1, processedAt: new Date(base + 5000) } });
  await ops.db.inboundEvent.update({ where: { id: dead.id }, data: { status: 'dead', attempts: 8, lastError: 'gave up' } });
});
afterAll(async () => {
  await ops.close();
});

/** Newest first, ties by id descending: the order the API promises. */
function expectedOrder(list: Fixture[]): string[] {
  return [...list].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a.id < b.id ? 1 : -1)).map((f) => f.id);
}

describe('GET /api/events', () => {
  it('lists a provider\'s events newest first with the operator fields and nothing else', async () => {
    const res = await get(`/api/events?provider=${provider}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items.map((e: { id: string }) => e.id)).toEqual(expectedOrder(fixtures));
    const failed = res.body.items.find((e: { id: string }) => e.id === fixtures[1]?.id);
    expect(Object.keys(failed).sort()).toEqual(
      ['attempts', 'canonicalType', 'connection', 'deliveries', 'id', 'lastError', 'occurredAt', 'processedAt', 'provider', 'providerEventId', 'receivedAt', 'status', 'type'].sort(),
    );
    expect(failed).toMatchObject({
      provider,
      connection: 'default',
      providerEventId: 'evt_1',
      type: 'payment_intent.succeeded',
      canonicalType: 'payment.succeeded',
      status: 'failed',
      deliveries: 1,
      attempts: 2,
      receivedAt: new Date(base + 1000).toISOString(),
      occurredAt: new Date(base - 60_000).toISOString(),
      processedAt: null,
      lastError: 'crm answered 503',
    });
  });

  it('never shows payloads, headers or secrets in a list', async () => {
    const res = await get(`/api/events?provider=${provider}&limit=200`);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('whsec_');
    expect(text).not.toContain('sk_live');
    for (const item of res.body.items) {
      expect(item).not.toHaveProperty('payload');
      expect(item).not.toHaveProperty('headers');
      expect(item).not.toHaveProperty('canonical');
    }
  });

  it('filters by type', async () => {
    const ids = await listIds('type=charge.refunded');
    expect(ids).toEqual(expectedOrder(fixtures.filter((f) => f.type === 'charge.refunded')));
    expect(ids.length).toBe(9);
  });

  it('filters by status', async () => {
    expect(await listIds('status=failed')).toEqual([fixtures[1]?.id]);
    expect(await listIds('status=dead')).toEqual([fixtures[4]?.id]);
    expect(await listIds('status=processed')).toEqual([fixtures[2]?.id]);
    expect((await listIds('status=received')).length).toBe(COUNT - 3);
    expect(await listIds('status=ignored')).toEqual([]);
  });

  it('filters by provider event id', async () => {
    expect(await listIds('providerEventId=evt_7')).toEqual([fixtures[7]?.id]);
    expect(await listIds('providerEventId=evt_nope')).toEqual([]);
  });

  it('filters by provider, leaving other providers\' events out', async () => {
    const res = await get(`/api/events?provider=${provider}-other`);
    expect(res.body.items).toEqual([]);
  });

  it('filters by received time: from inclusive, to exclusive', async () => {
    const from = new Date(base + 3000).toISOString();
    const to = new Date(base + 8000).toISOString();
    expect(await listIds(`from=${from}&to=${to}`)).toEqual(expectedOrder(fixtures.slice(3, 8)));
    expect((await listIds(`from=${new Date(base + 20_000).toISOString()}`)).length).toBe(5);
    expect(await listIds(`to=${new Date(base + 1000).toISOString()}`)).toEqual([fixtures[0]?.id]);
    // A date alone and an offset other than Z are ISO too.
    expect((await listIds('to=2025-06-01')).length).toBe(0);
    expect((await listIds('from=2025-06-01T02:00:00%2B02:00')).length).toBe(COUNT);
  });

  it('combines filters', async () => {
    expect(await listIds(`type=payment_intent.succeeded&status=received&to=${new Date(base + 6000).toISOString()}`)).toEqual(
      expectedOrder([fixtures[5]].filter((f): f is Fixture => !!f)),
    );
  });

  it('walks every page with no duplicates and no gaps, ties included', async () => {
    for (const limit of [1, 4, 7, 25]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`/api/events?provider=${provider}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.items.map((e: { id: string }) => e.id));
        cursor = res.body.nextCursor;
        if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        pages += 1;
        expect(pages).toBeLessThanOrEqual(COUNT + 1);
      } while (cursor);
      expect(seen).toEqual(expectedOrder(fixtures));
      expect(pages).toBe(Math.ceil(COUNT / limit));
    }
  });

  it('keeps filters across pages', async () => {
    const first = await get(`/api/events?provider=${provider}&type=charge.refunded&limit=5`);
    const second = await get(`/api/events?provider=${provider}&type=charge.refunded&limit=5&cursor=${first.body.nextCursor}`);
    expect([...first.body.items, ...second.body.items].map((e: { id: string }) => e.id)).toEqual(expectedOrder(fixtures.filter((f) => f.type === 'charge.refunded')));
    expect(second.body.nextCursor).toBeNull();
  });

  it('defaults to 50 items', async () => {
    const res = await get('/api/events');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(50);
  });

  describe('rejects bad parameters with 400 naming the problem', () => {
    const cases: [string, RegExp[]][] = [
      ['status=bogus', [/status/, /"bogus"/, /received/]],
      ['from=yesterday', [/from/, /"yesterday"/, /ISO 8601/]],
      ['to=2025-13-45', [/to/, /"2025-13-45"/]],
      ['from=2025-06-02&to=2025-06-01', [/"from" must be before "to"/]],
      ['limit=0', [/limit/, /1 to 200/]],
      ['limit=201', [/limit/, /1 to 200/]],
      ['limit=abc', [/limit/]],
      ['limit=2.5', [/limit/]],
      ['cursor=garbage', [/cursor/]],
      ['provder=stripe', [/unknown parameter/, /provder/]],
    ];
    it.each(cases)('%s', async (query, expected) => {
      const res = await get(`/api/events?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_query');
      for (const pattern of expected) expect(res.body.message).toMatch(pattern);
    });
  });
});

describe('GET /api/events/:id', () => {
  it('shows the payload, canonical event and stored headers, redacted', async () => {
    const fixture = fixtures[3];
    const res = await get(`/api/events/${fixture?.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: fixture?.id, provider, providerEventId: 'evt_3', type: 'charge.refunded', queue: 'payments', status: 'received' });
    expect(res.body.payload).toEqual({ id: 'evt_3', api_key: '[redacted]', nested: { webhook_secret: '[redacted]', amount: 103 } });
    expect(res.body.canonical).toEqual({ kind: 'payment', amount: 103, apiKey: '[redacted]' });
    expect(res.body.headers).toEqual({ 'content-type': 'application/json', 'x-webhook-secret-hint': '[redacted]' });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('sk_live');
    expect(text).not.toContain('whsec_');
  });

  it('answers 404 to an unknown or malformed id', async () => {
    expect((await get(`/api/events/${randomUUID()}`)).status).toBe(404);
    const res = await get('/api/events/not-a-uuid');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('needs the token', async () => {
    expect((await ops.request.get(`/api/events/${fixtures[0]?.id}`)).status).toBe(401);
  });
});
