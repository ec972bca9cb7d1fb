import { randomUUID } from 'node:crypto';
import { must } from '@switchyard/testing';
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

const progress = async (id: string) => {
  const res = await ops.request.get(`/api/redrives/${id}`).set(bearer);
  expect(res.status).toBe(200);
  return res.body as { total: number; done: number; skipped: number; failed: number; finished: boolean };
};

describe('bulk re-drive with progress', () => {
  it('re-drives what the filter picks in the background; done / skipped / failed advance as the jobs finish', async () => {
    const ok1 = await fleet.deadEvent('payments', 'UPSTREAM_DOWN');
    const ok2 = await fleet.deadEffect('payments', 'UPSTREAM_DOWN');
    const again = await fleet.deadEvent('payments', 'STILL_BROKEN');
    const finished = await fleet.deadEffect('payments', 'UPSTREAM_DOWN');
    // Done by other means since it dead-lettered: nothing left to re-drive.
    await ops.db.effect.update({ where: { id: finished.effectId }, data: { status: 'done', doneAt: new Date() } });
    fleet.failing.delete(ok1.eventId);
    fleet.failing.delete(ok2.effectId);
    // No worker: the re-driven jobs wait, so progress can be seen to wait with them.
    await fleet.stop();

    const res = await ops.request.post('/api/redrives').set(bearer).send({ filter: { queue: 'payments', provider: fleet.provider }, reason: 'upstream is back' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), total: 4 });
    const id = res.body.id as string;

    // Every item tried (its job waiting again, or skipped): only the skipped one counts yet.
    await eventually(async () => (await ops.db.redrive.findUniqueOrThrow({ where: { id } })).triedAt, 10_000, 50, 're-drive tried every item');
    expect(await ops.request.get(`/api/redrives/${id}`).set(bearer)).toMatchObject({
      status: 200,
      body: { id, total: 4, done: 0, skipped: 1, failed: 0, finished: false, startedBy: 'token', reason: 'upstream is back', filter: { queue: 'payments', provider: fleet.provider } },
    });
    expect(await ops.queue('payments').getJob(ok1.jobId).then((j) => j?.getState())).toBe('waiting');

    fleet.start('payments');
    const end = await eventually(async () => {
      const p = await progress(id);
      return p.finished ? p : null;
    }, 15_000, 100, 're-drive finished');
    expect(end).toMatchObject({ total: 4, done: 2, skipped: 1, failed: 1 });
    expect(fleet.runsOf(ok1.jobId)).toBe(2);
    expect(fleet.runsOf(finished.jobId)).toBe(1);
    expect((await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: again.eventId } })).status).toBe('dead');
    expect(await ops.db.auditEntry.findFirst({ where: { target: id, action: 'redrive.start' } })).toMatchObject({ actor: 'token', reason: 'upstream is back', details: { total: 4 } });
    expect(await ops.db.auditEntry.count({ where: { action: 'dead_letter.retry', target: { in: [ok1.dlqId, ok2.dlqId, again.dlqId] } } })).toBe(3);
  });

  it('a filter that matches nothing finishes at once with total 0', async () => {
    const res = await ops.request.post('/api/redrives').set(bearer).send({ filter: { provider: `nobody-${randomUUID()}` }, reason: 'nothing to do' });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(0);
    const end = await eventually(async () => {
      const p = await progress(must(res.body.id as string | undefined));
      return p.finished ? p : null;
    }, 10_000, 50, 'empty re-drive finished');
    expect(end).toMatchObject({ total: 0, done: 0, skipped: 0, failed: 0 });
  });

  it('refuses bad input naming the field, a viewer (403), and unknown ids (404)', async () => {
    const noReason = await ops.request.post('/api/redrives').set(bearer).send({ filter: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: 'reason_required', message: expect.stringMatching(/^reason: /) });
    const badFilter = await ops.request.post('/api/redrives').set(bearer).send({ filter: { queue: 'fax' }, reason: 'x' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.message).toMatch(/^filter\.queue: "fax" is not a queue/);
    const noFilter = await ops.request.post('/api/redrives').set(bearer).send({ reason: 'x' });
    expect(noFilter.body.message).toMatch(/^filter: is required/);
    const typo = await ops.request.post('/api/redrives').set(bearer).send({ filter: { errorcode: 'X' }, reason: 'x' });
    expect(typo.body.message).toMatch(/filter: unknown filter field\(s\): errorcode/);
    const forbidden = await ops.request.post('/api/redrives').set(viewer).send({ filter: {}, reason: 'x' });
    expect(forbidden.status).toBe(403);
    expect(await ops.db.redrive.count({ where: { reason: 'x' } })).toBe(0);

    expect((await ops.request.get(`/api/redrives/${randomUUID()}`).set(bearer)).status).toBe(404);
    expect((await ops.request.get('/api/redrives/not-a-uuid').set(bearer)).status).toBe(404);
  });
});
