import { randomBytes, randomUUID } from 'node:crypto';
import { TestFleet } from './fleet';
import { bearer, eventually, startOps, type TestOps } from './harness';

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

async function attentionItem(createdAt: Date, eventId: string | null = null): Promise<string> {
  const id = randomUUID();
  await ops.db.attentionItem.create({
    data: { id, kind: 'payment.disputed', entityType: 'payment', entityKey: `att-${tag}-${id}`, eventId, summary: `dispute ${id}`, createdAt },
  });
  return id;
}

describe('GET /api/attention', () => {
  it('lists unresolved items newest first, each with its event summary', async () => {
    const eventId = await fleet.storeEvent('payments');
    const older = await attentionItem(new Date(Date.now() + 1000));
    const newer = await attentionItem(new Date(Date.now() + 2000), eventId);
    const resolved = await attentionItem(new Date(Date.now() + 3000));
    await ops.db.attentionItem.update({ where: { id: resolved }, data: { resolvedAt: new Date(), resolvedBy: 'bob', resolution: 'done' } });

    const res = await ops.request.get('/api/attention?limit=200').set(bearer);
    expect(res.status).toBe(200);
    const mine = (res.body.items as { id: string }[]).filter((i) => [older, newer, resolved].includes(i.id));
    expect(mine.map((i) => i.id)).toEqual([newer, older]);
    expect(mine[0]).toMatchObject({ kind: 'payment.disputed', entityType: 'payment', resolvedAt: null, event: { id: eventId, provider: fleet.provider, type: 'charge.failed', status: 'queued' } });
    expect(mine[1]).toMatchObject({ event: null });
  });

  it('rejects a bad limit naming it, and needs the token', async () => {
    const res = await ops.request.get('/api/attention?limit=0').set(bearer);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/limit: must be an integer/);
    expect((await ops.request.get('/api/attention')).status).toBe(401);
  });
});

describe('POST /api/attention/:id/resolve', () => {
  it('resolves once, records who and why, and audits it', async () => {
    const id = await attentionItem(new Date());
    const res = await ops.request.post(`/api/attention/${id}/resolve`).set(bearer).send({ reason: 'refund issued, dispute closed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, resolvedBy: 'token', resolution: 'refund issued, dispute closed' });
    const row = await ops.db.attentionItem.findUniqueOrThrow({ where: { id } });
    expect(row.resolvedAt).toBeInstanceOf(Date);
    expect(row).toMatchObject({ resolvedBy: 'token', resolution: 'refund issued, dispute closed' });
    const audit = await ops.db.auditEntry.findMany({ where: { target: id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'token', action: 'attention.resolve', reason: 'refund issued, dispute closed', details: { kind: 'payment.disputed', entityType: 'payment' } });

    const again = await ops.request.post(`/api/attention/${id}/resolve`).set(bearer).send({ reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_resolved');
    expect((await ops.db.attentionItem.findUniqueOrThrow({ where: { id } })).resolution).toBe('refund issued, dispute closed');
    expect(await ops.db.auditEntry.count({ where: { target: id } })).toBe(1);
  });

  it('requires a reason naming the field; 404 for an unknown id; 401 without the token', async () => {
    const id = await attentionItem(new Date());
    const noReason = await ops.request.post(`/api/attention/${id}/resolve`).set(bearer).send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: 'reason_required', message: expect.stringMatching(/^reason: /) });
    expect((await ops.request.post(`/api/attention/${randomUUID()}/resolve`).set(bearer).send({ reason: 'x' })).status).toBe(404);
    expect((await ops.request.post('/api/attention/not-a-uuid/resolve').set(bearer).send({ reason: 'x' })).status).toBe(404);
    expect((await ops.request.post(`/api/attention/${id}/resolve`).send({ reason: 'x' })).status).toBe(401);
    expect((await ops.db.attentionItem.findUniqueOrThrow({ where: { id } })).resolvedAt).toBeNull();
  });
});

describe('parked effects', () => {
  it('GET /api/effects lists parked effects by default, request redacted; other statuses on request', async () => {
    const parked = await fleet.storeEffect('whatsapp', { status: 'parked' });
    const pending = await fleet.storeEffect('whatsapp');
    const res = await ops.request.get('/api/effects?limit=200').set(bearer);
    expect(res.status).toBe(200);
    const ids = (res.body.items as { id: string }[]).map((e) => e.id);
    expect(ids).toContain(parked);
    expect(ids).not.toContain(pending);
    const item = res.body.items.find((e: { id: string }) => e.id === parked);
    expect(item).toMatchObject({ kind: 'whatsapp.template', status: 'parked', queue: 'whatsapp', request: { to: '15550001111', api_key: '[redacted]' } });
    const pendingList = await ops.request.get('/api/effects?status=pending&limit=200').set(bearer);
    expect(pendingList.body.items.map((e: { id: string }) => e.id)).toContain(pending);
    const bad = await ops.request.get('/api/effects?status=lost').set(bearer);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/status: "lost" is not an effect status/);
  });

  it('outcome "sent" marks it done, audited, and closes its attention item', async () => {
    const id = await fleet.storeEffect('whatsapp', { status: 'parked' });
    await ops.db.attentionItem.create({ data: { id: randomUUID(), kind: 'effect_outcome_unknown', entityType: 'effect', entityKey: id, summary: 'the send may or may not have happened' } });
    const res = await ops.request.post(`/api/effects/${id}/resolve`).set(bearer).send({ outcome: 'sent', reason: 'customer confirmed by phone' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'sent', jobId: null, effect: { id, status: 'done' } });
    const row = await ops.db.effect.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('done');
    expect(row.doneAt).toBeInstanceOf(Date);
    expect(await ops.db.auditEntry.findFirst({ where: { target: id } })).toMatchObject({ actor: 'token', action: 'effect.resolve', reason: 'customer confirmed by phone', details: { outcome: 'sent' } });
    expect(await ops.queue('whatsapp').getJob(`whatsapp.eff.${id}.resend0`)).toBeUndefined();
    expect(await ops.db.attentionItem.findFirst({ where: { entityKey: id } })).toMatchObject({ resolvedBy: 'token', resolution: 'sent: customer confirmed by phone', resolvedAt: expect.any(Date) });
  });

  it('outcome "resend" sets it pending and enqueues its perform-effect job once, which a worker runs', async () => {
    const id = await fleet.storeEffect('whatsapp', { status: 'parked' });
    const res = await ops.request.post(`/api/effects/${id}/resolve`).set(bearer).send({ outcome: 'resend', reason: 'provider never delivered it' });
    expect(res.status).toBe(200);
    const jobId = `whatsapp.eff.${id}.resend0`;
    expect(res.body).toMatchObject({ outcome: 'resend', jobId, effect: { id, status: 'pending' } });
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id } })).status).toBe('pending');
    expect(await ops.queue('whatsapp').getJob(jobId)).toMatchObject({ name: 'whatsapp.perform-effect.v1', data: { effectId: id } });
    expect(await ops.db.auditEntry.findFirst({ where: { target: id } })).toMatchObject({ action: 'effect.resolve', reason: 'provider never delivered it', details: { outcome: 'resend', queue: 'whatsapp', jobId } });

    const again = await ops.request.post(`/api/effects/${id}/resolve`).set(bearer).send({ outcome: 'resend', reason: 'double click' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('not_parked');
    expect(again.body.message).toContain('pending');

    fleet.start('whatsapp');
    await eventually(async () => (await fleet.jobState('whatsapp', jobId)) === 'completed', 10_000, 50, 'resend job completed');
    expect(fleet.runsOf(jobId)).toBe(1);
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id } })).status).toBe('done');
    await fleet.stop();

    // Parked again later: the next resend gets the next id, since the first job still exists.
    await ops.db.effect.update({ where: { id }, data: { status: 'parked' } });
    const second = await ops.request.post(`/api/effects/${id}/resolve`).set(bearer).send({ outcome: 'resend', reason: 'parked again' });
    expect(second.body.jobId).toBe(`whatsapp.eff.${id}.resend1`);
  });

  it.each([
    [{ reason: 'x' }, 'invalid_body', /outcome: is required/],
    [{ outcome: 'lost', reason: 'x' }, 'invalid_body', /outcome: "lost" is not an outcome/],
    [{ outcome: 'sent' }, 'reason_required', /^reason: /],
  ])('rejects %j naming the field', async (body, error, message) => {
    const id = await fleet.storeEffect('whatsapp', { status: 'parked' });
    const res = await ops.request.post(`/api/effects/${id}/resolve`).set(bearer).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
    expect(res.body.message).toMatch(message);
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id } })).status).toBe('parked');
  });

  it('404 for an unknown effect; 401 without the token', async () => {
    expect((await ops.request.post(`/api/effects/${randomUUID()}/resolve`).set(bearer).send({ outcome: 'sent', reason: 'x' })).status).toBe(404);
    const id = await fleet.storeEffect('whatsapp', { status: 'parked' });
    expect((await ops.request.post(`/api/effects/${id}/resolve`).send({ outcome: 'sent', reason: 'x' })).status).toBe(401);
    expect((await ops.request.get('/api/effects')).status).toBe(401);
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id } })).status).toBe('parked');
  });
});
