import { randomUUID } from 'node:crypto';
import { TestFleet } from './fleet';
import { bearer, eventually, type TestOps } from './harness';
import { startOpsWithViewer } from './viewer-session';

let ops: TestOps;
let fleet: TestFleet;
let viewer: Record<string, string>;

beforeAll(async () => {
  ({ ops, viewer } = await startOpsWithViewer());
  fleet = new TestFleet(ops);
});
afterAll(async () => {
  await fleet.stop();
  await ops.close();
});

describe('POST /api/effects/:id/retry', () => {
  it('runs a failed effect again exactly once when two operators click at once; the second gets 409', async () => {
    const { effectId, dlqId } = await fleet.deadEffect('crm', 'CRM_REFUSED');
    fleet.failing.delete(effectId);

    const answers = await Promise.all([
      ops.request.post(`/api/effects/${effectId}/retry`).set(bearer).send({ reason: 'CRM fixed the field mapping' }),
      ops.request.post(`/api/effects/${effectId}/retry`).set(bearer).send({ reason: 'CRM fixed the field mapping' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const accepted = answers.find((a) => a.status === 202);
    const refused = answers.find((a) => a.status === 409);
    const jobId = `crm.eff.${effectId}.retry0`;
    expect(accepted?.body).toEqual({ effect: { id: effectId, status: 'pending' }, jobId });
    // The second click is answered with the status the first left, which the worker may already
    // have moved on from: pending, in flight or done — never failed, which would mean it ran twice.
    expect(refused?.body).toMatchObject({ error: 'not_failed', message: expect.stringMatching(/ is (pending|sending|done);/) });

    await eventually(async () => (await ops.db.effect.findUniqueOrThrow({ where: { id: effectId } })).status === 'done', 10_000, 50, 'retried effect done');
    await fleet.drained('crm');
    expect(fleet.runsOf(jobId)).toBe(1);
    expect(fleet.runs.filter((id) => id.startsWith(`crm.eff.${effectId}`))).toEqual([`crm.eff.${effectId}`, jobId]);
    expect(await ops.queue('crm').getJob(`crm.eff.${effectId}.retry1`)).toBeUndefined();
    // The person dealt with it: its dead letter is gone, and the retry is audited once.
    expect(await ops.queue('crm.dead').getJob(dlqId)).toBeUndefined();
    const audit = await ops.db.auditEntry.findMany({ where: { target: effectId, action: 'effect.retry' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'token', reason: 'CRM fixed the field mapping', details: { queue: 'crm', jobId, retryOf: effectId } });
    expect(await ops.db.outboxEntry.findFirst({ where: { jobId } })).toMatchObject({ dispatchedAt: expect.any(Date) });
  });

  it('answers 409 naming the state for an effect that is not failed, and changes nothing', async () => {
    const id = await fleet.storeEffect('whatsapp', { status: 'parked' });
    const res = await ops.request.post(`/api/effects/${id}/retry`).set(bearer).send({ reason: 'try again' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'not_failed', message: `effect "${id}" is parked; only failed effects are retried` });
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id } })).status).toBe('parked');
    expect(await ops.db.auditEntry.count({ where: { target: id } })).toBe(0);
  });

  it('requires a reason (400), answers 404 for an unknown id and 403 to a viewer', async () => {
    const id = await fleet.storeEffect('whatsapp');
    await ops.db.effect.update({ where: { id }, data: { status: 'failed' } });
    const noReason = await ops.request.post(`/api/effects/${id}/retry`).set(bearer).send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: 'reason_required', message: expect.stringMatching(/^reason: /) });
    const extra = await ops.request.post(`/api/effects/${id}/retry`).set(bearer).send({ reason: 'x', force: true });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/unknown field\(s\): force/);
    expect((await ops.request.post(`/api/effects/${randomUUID()}/retry`).set(bearer).send({ reason: 'x' })).status).toBe(404);
    expect((await ops.request.post('/api/effects/nope/retry').set(bearer).send({ reason: 'x' })).status).toBe(404);
    const forbidden = await ops.request.post(`/api/effects/${id}/retry`).set(viewer).send({ reason: 'x' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('forbidden');
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id } })).status).toBe('failed');
  });
});

describe('POST /api/effects/:id/skip', () => {
  it('skips a pending effect once, audited with the status it left; a second skip is 409', async () => {
    const id = await fleet.storeEffect('whatsapp');
    const res = await ops.request.post(`/api/effects/${id}/skip`).set(bearer).send({ reason: 'customer asked us not to message them' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ effect: { id, status: 'skipped' } });
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id } })).status).toBe('skipped');
    expect(await ops.db.auditEntry.findFirst({ where: { target: id, action: 'effect.skip' } })).toMatchObject({ actor: 'token', reason: 'customer asked us not to message them', details: { from: 'pending', queue: 'whatsapp' } });

    const again = await ops.request.post(`/api/effects/${id}/skip`).set(bearer).send({ reason: 'double click' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'not_skippable', message: `effect "${id}" is skipped; only pending, parked or failed effects are skipped` });
    expect(await ops.db.auditEntry.count({ where: { target: id, action: 'effect.skip' } })).toBe(1);
  });

  it('skips a parked send and closes its "outcome unknown" item', async () => {
    const id = await fleet.storeEffect('whatsapp', { status: 'parked' });
    await ops.db.attentionItem.create({ data: { id: randomUUID(), kind: 'effect_outcome_unknown', entityType: 'effect', entityKey: id, summary: 'the send may or may not have happened' } });
    const res = await ops.request.post(`/api/effects/${id}/skip`).set(bearer).send({ reason: 'receipt no longer needed' });
    expect(res.status).toBe(200);
    expect(await ops.db.attentionItem.findFirst({ where: { entityKey: id } })).toMatchObject({ resolvedBy: 'token', resolution: 'skipped: receipt no longer needed', resolvedAt: expect.any(Date) });
  });

  it('skips a failed effect and removes its dead letter; it can no longer be retried', async () => {
    const { effectId, jobId, dlqId } = await fleet.deadEffect('payments', 'REFUND_REFUSED');
    const res = await ops.request.post(`/api/effects/${effectId}/skip`).set(bearer).send({ reason: 'refunded by hand' });
    expect(res.status).toBe(200);
    expect(await ops.queue('payments.dead').getJob(dlqId)).toBeUndefined();
    expect((await ops.request.post(`/api/effects/${effectId}/retry`).set(bearer).send({ reason: 'x' })).status).toBe(409);
    expect(fleet.runsOf(jobId)).toBe(1);
  });

  it('answers 409 for a done effect, 404 for an unknown one, 400 without a reason, 403 to a viewer', async () => {
    const id = await fleet.storeEffect('whatsapp');
    await ops.db.effect.update({ where: { id }, data: { status: 'done', doneAt: new Date() } });
    const done = await ops.request.post(`/api/effects/${id}/skip`).set(bearer).send({ reason: 'x' });
    expect(done.status).toBe(409);
    expect(done.body.message).toContain('is done');
    expect((await ops.request.post(`/api/effects/${randomUUID()}/skip`).set(bearer).send({ reason: 'x' })).status).toBe(404);
    const pending = await fleet.storeEffect('whatsapp');
    expect((await ops.request.post(`/api/effects/${pending}/skip`).set(bearer).send({ reason: '  ' })).body.error).toBe('reason_required');
    expect((await ops.request.post(`/api/effects/${pending}/skip`).set(viewer).send({ reason: 'x' })).status).toBe(403);
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id: pending } })).status).toBe('pending');
  });
});
