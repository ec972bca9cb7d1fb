import { queueNames, queuePrefix, registry, Worker } from '@switchyard/queues';
import { basic, bearer, eventually, startOps, TEST_TOKEN, type TestOps } from './harness';

interface BoardQueue {
  name: string;
  counts: Record<string, number>;
  readOnlyMode: boolean;
  allowRetries: boolean;
}

let ops: TestOps;
beforeAll(async () => {
  ops = await startOps();
});
afterAll(async () => {
  await ops.close();
});

async function boardQueues(): Promise<BoardQueue[]> {
  const res = await ops.request.get('/ops/queues/api/queues').set(bearer);
  expect(res.status).toBe(200);
  return res.body.queues as BoardQueue[];
}

function auditLines(): Record<string, unknown>[] {
  return ops.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === true);
}

/** A job that failed for good: a worker that only throws runs it once, then stops. */
async function failedJob(queue: 'payments' | 'crm', name: string, eventId: string, jobId: string) {
  const worker = new Worker(
    queue,
    async () => {
      throw new Error('provider down');
    },
    { connection: ops.workerRedis, prefix: queuePrefix(ops.prefix, queue) },
  );
  worker.on('error', () => undefined);
  const job = await ops.queue(queue).add(name, { eventId }, { jobId });
  await eventually(async () => (await job.getState()) === 'failed');
  await worker.close();
  return job;
}

describe('Bull Board', () => {
  it('shows every queue of the registry and its dead-letter queue, retries allowed', async () => {
    const expected = Object.values(registry).flatMap((q) => [q.name, q.deadLetterQueue]);
    expect(expected).toEqual(expect.arrayContaining(queueNames.map((n) => `${n}.dead`)));
    const queues = await boardQueues();
    expect(queues.map((q) => q.name).sort()).toEqual([...expected].sort());
    for (const q of queues) expect(q).toMatchObject({ readOnlyMode: false, allowRetries: true });
  });

  it('reads the queues under QUEUE_PREFIX', async () => {
    await ops.queue('payments.dead').add('dead-letter.v1', { jobId: 'payments.evt.x', failedReason: 'gave up' }, { jobId: 'payments.evt.x.dead' });
    const dead = (await boardQueues()).find((q) => q.name === 'payments.dead');
    expect(dead?.counts.waiting).toBe(1);
  });

  it('retries a failed job and writes one audit line naming who and what', async () => {
    const job = await failedJob('payments', 'payments.process-event.v1', '00000000-0000-4000-8000-000000000001', 'payments.evt.retry-me');

    const res = await ops.request.put(`/ops/queues/api/queues/payments/${job.id}/retry`).set(basic('alice', TEST_TOKEN));
    expect(res.status).toBeLessThan(300);
    await eventually(async () => (await ops.queue('payments').getJob(job.id ?? ''))?.getState().then((s) => s === 'waiting'));

    const line = await eventually(async () => auditLines().find((l) => l.jobId === job.id));
    // The Basic user name is only what the client typed: the audit records the verified identity, the token.
    expect(line).toMatchObject({ message: 'ops action', who: 'token', method: 'PUT', path: `/ops/queues/api/queues/payments/${job.id}/retry`, queue: 'payments', status: res.status, completed: true });
    expect(JSON.stringify(line)).not.toContain('alice');
  });

  it('audits queue-wide actions by a bearer as "token", and never reads', async () => {
    const before = auditLines().length;
    await ops.request.get('/ops/queues/api/queues').set(bearer);
    const res = await ops.request.put('/ops/queues/api/queues/crm.dead/pause').set(bearer);
    expect(res.status).toBeLessThan(300);
    const line = await eventually(async () => auditLines().find((l) => l.queue === 'crm.dead'));
    expect(line).toMatchObject({ who: 'token', method: 'PUT', queue: 'crm.dead' });
    expect(line).not.toHaveProperty('jobId');
    expect(auditLines().length).toBe(before + 1);
    expect(await ops.queue('crm.dead').isPaused()).toBe(true);
  });

  it('records "Retry all" as bull_board.retry-all with the job state it named, and a one-job retry as bull_board.retry', async () => {
    await failedJob('crm', 'crm.process-event.v1', '00000000-0000-4000-8000-000000000002', 'crm.evt.retry-all');

    const all = await ops.request.put('/ops/queues/api/queues/crm/retry/failed').set(basic('bob', TEST_TOKEN));
    expect(all.status).toBeLessThan(300);
    // The actor is the verified identity (the token), never the Basic user name typed.
    const row = await eventually(() => ops.db.auditEntry.findFirst({ where: { actor: 'token', target: 'crm' } }));
    expect(row).toMatchObject({ action: 'bull_board.retry-all', details: expect.objectContaining({ queue: 'crm', jobState: 'failed', method: 'PUT' }) });

    const one = await eventually(() => ops.db.auditEntry.findFirst({ where: { actor: 'token', target: 'payments/payments.evt.retry-me' } }));
    expect(one?.action).toBe('bull_board.retry');
  });

  it('audits nothing and changes nothing without credentials', async () => {
    const before = auditLines().length;
    const res = await ops.request.put('/ops/queues/api/queues/whatsapp/pause');
    expect(res.status).toBe(401);
    expect(await ops.queue('whatsapp').isPaused()).toBe(false);
    expect(auditLines().length).toBe(before);
  });
});
