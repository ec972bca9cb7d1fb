import { randomUUID } from 'node:crypto';
import { must, testPrefix } from '@switchyard/testing';
import { TestFleet } from './fleet';
import { bearer, eventually, startOps, type TestOps } from './harness';
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

/**
 * An ops server on `prefix` whose re-drive run stops as a crash would: after re-driving its
 * `items`-th dead letter, before recording it. `stopped()` resolves once the server has closed
 * (its queues kept for the next server on the prefix).
 */
async function opsStoppingAfter(prefix: string, items: number): Promise<{ server: TestOps; stopped: () => Promise<void> }> {
  let closing: Promise<void> | undefined;
  const server: TestOps = await startOps({}, {
    prefix,
    redrives: {
      afterItem: ({ tried }) => {
        if (tried < items) return;
        closing = server.close({ keepQueues: true });
        throw new Error('the ops server stopped');
      },
    },
  });
  const stopped = async () => {
    await eventually(async () => closing !== undefined, 10_000, 20, 'the server stopping mid-way');
    await closing;
  };
  return { server, stopped };
}

describe('a bulk re-drive outlives the ops server that started it', () => {
  it('another server on the same database and prefix resumes it where it stopped; no dead letter is re-driven twice', async () => {
    const prefix = testPrefix();
    const { server: first, stopped } = await opsStoppingAfter(prefix, 2);
    const deadFleet = new TestFleet(first);
    const dead = [
      await deadFleet.deadEvent('payments', 'UPSTREAM_DOWN'),
      await deadFleet.deadEffect('payments', 'UPSTREAM_DOWN'),
      await deadFleet.deadEvent('payments', 'UPSTREAM_DOWN'),
      await deadFleet.deadEffect('payments', 'UPSTREAM_DOWN'),
      await deadFleet.deadEvent('payments', 'UPSTREAM_DOWN'),
    ];
    await deadFleet.stop();

    const res = await first.request.post('/api/redrives').set(bearer).send({ filter: { provider: deadFleet.provider }, reason: 'upstream is back' });
    expect(res.body).toEqual({ id: expect.any(String), total: 5 });
    const id = res.body.id as string;
    await stopped();
    // The first server's own client is closed with it: read through the suite's (same database).
    const items = () => ops.db.redriveItem.findMany({ where: { redriveId: id } });
    // Stopped mid-way: one item recorded, one re-driven but not recorded, three untouched (still dead letters).
    expect((await ops.db.redrive.findUniqueOrThrow({ where: { id } })).triedAt).toBeNull();
    expect((await items()).filter((i) => i.outcome !== null)).toHaveLength(1);
    expect(await ops.db.auditEntry.count({ where: { action: 'dead_letter.retry', target: { in: dead.map((d) => d.dlqId) } } })).toBe(2);

    const second = await startOps({}, { prefix, redrives: { intervalMs: 100 } });
    const fleet2 = new TestFleet(second);
    try {
      fleet2.start('payments');
      const progressOf = async () => (await second.request.get(`/api/redrives/${id}`).set(bearer)).body as { total: number; done: number; skipped: number; failed: number; finished: boolean };
      const end = await eventually(async () => {
        const p = await progressOf();
        return p.finished ? p : null;
      }, 20_000, 100, 're-drive finished by the second server');
      expect(end).toMatchObject({ total: 5, done: 5, skipped: 0, failed: 0 });
      const recorded = await items();
      expect(recorded.map((i) => i.outcome)).toEqual(Array(5).fill('retried'));
      expect(recorded.filter((i) => /interrupted run/.test(i.detail ?? ''))).toHaveLength(1);
      // Each dead letter re-driven once: one audit entry each, and each job ran once more (in the second fleet) and no more.
      await fleet2.drained('payments');
      for (const d of dead) {
        expect(await second.db.auditEntry.count({ where: { action: 'dead_letter.retry', target: d.dlqId } })).toBe(1);
        expect(deadFleet.runsOf(d.jobId)).toBe(1);
        expect(fleet2.runsOf(d.jobId)).toBe(1);
      }
      expect(await second.db.lease.count({ where: { name: `redrive:${id}` } })).toBe(0);
    } finally {
      await fleet2.stop();
      await second.close();
    }
  });
});

describe('one replica at a time works on a re-drive', () => {
  it('a replica leaves a re-drive alone while another holds its lease, and takes it over once that lease expires (a crashed holder)', async () => {
    const prefix = testPrefix();
    const { server: first, stopped } = await opsStoppingAfter(prefix, 1);
    const deadFleet = new TestFleet(first);
    const dead = [await deadFleet.deadEffect('crm', 'UPSTREAM_DOWN'), await deadFleet.deadEvent('crm', 'UPSTREAM_DOWN')];
    await deadFleet.stop();
    const res = await first.request.post('/api/redrives').set(bearer).send({ filter: { provider: deadFleet.provider }, reason: 'upstream is back' });
    const id = res.body.id as string;
    await stopped();
    // As a crashed replica leaves it: its lease still running (a clean stop hands it back).
    await ops.db.lease.create({ data: { name: `redrive:${id}`, holder: 'crashed-replica', expiresAt: new Date(Date.now() + 4000) } });

    const second = await startOps({}, { prefix, redrives: { intervalMs: 100 } });
    try {
      const started = await second.db.redrive.findUniqueOrThrow({ where: { id } });
      expect(await second.redriveRunner.run({ id, reason: started.reason, actor: started.startedBy, startedAt: started.createdAt })).toBe('held elsewhere');
      expect(await second.db.redriveItem.count({ where: { redriveId: id, outcome: { not: null } } })).toBe(0);
      await eventually(async () => (await second.db.redrive.findUniqueOrThrow({ where: { id } })).triedAt, 15_000, 100, 're-drive tried once the lease expired');
      expect((await second.db.redriveItem.findMany({ where: { redriveId: id } })).map((i) => i.outcome)).toEqual(['retried', 'retried']);
      for (const d of dead) expect(await second.db.auditEntry.count({ where: { action: 'dead_letter.retry', target: d.dlqId } })).toBe(1);
    } finally {
      await second.close();
    }
  });
});
