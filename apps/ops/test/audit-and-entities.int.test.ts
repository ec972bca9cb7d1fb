import { randomBytes, randomUUID } from 'node:crypto';
import { TestFleet } from './fleet';
import { basic, bearer, eventually, startOps, TEST_TOKEN, type TestOps } from './harness';

let ops: TestOps;
let fleet: TestFleet;
const tag = randomBytes(4).toString('hex');

beforeAll(async () => {
  ops = await startOps();
  fleet = new TestFleet(ops);
});
afterAll(async () => {
  await fleet.stop();
  await ops.close();
});

describe('GET /api/audit', () => {
  it('pages through entries newest first', async () => {
    const targets = Array.from({ length: 5 }, (_, i) => `audit-${tag}-${i}`);
    for (const target of targets) await ops.db.auditEntry.create({ data: { actor: 'alice', action: `test.${tag}`, target, reason: 'because' } });

    const first = await ops.request.get(`/api/audit?action=test.${tag}&limit=2`).set(bearer);
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { target: string }) => e.target)).toEqual([targets[4], targets[3]]);
    expect(first.body.items[0]).toMatchObject({ actor: 'alice', reason: 'because', details: {} });
    expect(typeof first.body.items[0].id).toBe('string');
    const second = await ops.request.get(`/api/audit?action=test.${tag}&limit=2&before=${first.body.nextBefore}`).set(bearer);
    const third = await ops.request.get(`/api/audit?action=test.${tag}&limit=2&before=${second.body.nextBefore}`).set(bearer);
    expect([...second.body.items, ...third.body.items].map((e: { target: string }) => e.target)).toEqual([targets[2], targets[1], targets[0]]);
    expect(third.body.nextBefore).toBeNull();

    const all = await ops.request.get('/api/audit?limit=3').set(bearer);
    const ids = all.body.items.map((e: { id: string }) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
  });

  it('rejects bad parameters naming them, and needs the token', async () => {
    const res = await ops.request.get('/api/audit?before=yesterday').set(bearer);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/before: must be the id of an audit entry/);
    expect((await ops.request.get('/api/audit')).status).toBe(401);
  });

  it('records Bull Board writes too, with the verified identity (the token), not the self-asserted Basic user name', async () => {
    const { jobId } = await fleet.deadEvent('crm', 'BOARD_AUDIT');
    await fleet.stop();
    const res = await ops.request.put(`/ops/queues/api/queues/crm/${jobId}/retry`).set(basic('carol', TEST_TOKEN));
    expect(res.status).toBeLessThan(300);
    const entry = await eventually(async () => ops.db.auditEntry.findFirst({ where: { target: `crm/${jobId}` } }));
    expect(entry).toMatchObject({ actor: 'token', action: 'bull_board.retry', details: { queue: 'crm', jobId, method: 'PUT', status: res.status, completed: true } });
    expect(JSON.stringify({ ...entry, id: String(entry?.id) })).not.toContain('carol');
  });
});

describe('GET /api/entities/:type/:key', () => {
  it('tells an entity\'s story: its events, effects and attention items in time order', async () => {
    const key = `pay-${tag}`;
    const entity = { type: 'payment', key };
    const t0 = Date.now() - 60_000;
    const eventId = await fleet.storeEvent('payments', entity);
    await ops.db.inboundEvent.update({ where: { id: eventId }, data: { occurredAt: new Date(t0), receivedAt: new Date(t0 + 1000) } });
    const effectId = await fleet.storeEffect('payments', { entity, eventId });
    await ops.db.effect.update({ where: { id: effectId }, data: { createdAt: new Date(t0 + 2000) } });
    const laterEvent = await fleet.storeEvent('payments', entity);
    await ops.db.inboundEvent.update({ where: { id: laterEvent }, data: { occurredAt: null, receivedAt: new Date(t0 + 3000) } });
    const attentionId = randomUUID();
    await ops.db.attentionItem.create({ data: { id: attentionId, kind: 'payment.disputed', entityType: 'payment', entityKey: key, eventId: laterEvent, summary: 'disputed', createdAt: new Date(t0 + 4000) } });
    // Same key, other type: not part of this story.
    await fleet.storeEvent('payments', { type: 'contact', key });

    const res = await ops.request.get(`/api/entities/payment/${key}`).set(bearer);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'payment', key });
    expect(res.body.timeline.map((e: { source: string; id: string }) => [e.source, e.id])).toEqual([
      ['event', eventId],
      ['effect', effectId],
      ['event', laterEvent],
      ['attention', attentionId],
    ]);
    expect(res.body.timeline[1]).toMatchObject({ kind: 'whatsapp.template', status: 'pending', request: { api_key: '[redacted]' } });
    expect(res.body.timeline[0]).toMatchObject({ provider: fleet.provider, type: 'charge.failed', at: new Date(t0).toISOString() });

    const empty = await ops.request.get(`/api/entities/deal/${key}`).set(bearer);
    expect(empty.body.timeline).toEqual([]);
  });

  it('shows a send that the provider accepted and that failed later (131026) on the payment\'s own story', async () => {
    const key = `pay-late-fail-${tag}`;
    const entity = { type: 'payment', key };
    const t0 = Date.now() - 60_000;
    const effectId = await fleet.storeEffect('payments', { entity });
    await ops.db.effect.update({ where: { id: effectId }, data: { status: 'done', providerRef: `wamid.${tag}`, createdAt: new Date(t0), sentAt: new Date(t0), doneAt: new Date(t0) } });
    await ops.db.message.create({
      data: { id: `wamid.${tag}`, channel: 'whatsapp_cloud', recipient: '15550001111', status: 'failed', errorCode: '131026', errorMessage: 'Message Undeliverable.', effectId, lastOccurredAt: new Date(t0 + 5000) },
    });

    const res = await ops.request.get(`/api/entities/payment/${key}`).set(bearer);
    expect(res.status).toBe(200);
    expect(res.body.timeline.map((e: { source: string; id: string }) => [e.source, e.id])).toEqual([
      ['effect', effectId],
      ['message', `wamid.${tag}`],
    ]);
    expect(res.body.timeline[0]).toMatchObject({ status: 'done', message: { id: `wamid.${tag}`, status: 'failed', errorCode: '131026', errorMessage: 'Message Undeliverable.' } });
    expect(res.body.timeline[1]).toMatchObject({ status: 'failed', errorCode: '131026', effectId, at: new Date(t0 + 5000).toISOString() });
  });

  it('rejects an unknown type naming it, and needs the token', async () => {
    const res = await ops.request.get('/api/entities/invoice/x').set(bearer);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/type: "invoice" is not an entity type/);
    expect((await ops.request.get('/api/entities/payment/x')).status).toBe(401);
  });
});
