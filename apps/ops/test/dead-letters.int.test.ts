import { effectJobId } from '@switchyard/queues';
import { TestFleet } from './fleet';
import { bearer, eventually, startOps, type TestOps } from './harness';

let ops: TestOps;
let fleet: TestFleet;

beforeAll(async () => {
  ops = await startOps();
  fleet = new TestFleet(ops);
});
afterAll(async () => {
  await fleet.stop();
  await ops.close();
});

interface ListedDeadLetter {
  id: string;
  queue: string;
  jobId: string;
  jobName: string;
  payload: Record<string, unknown>;
  event: { id: string; provider: string; type: string; status: string } | null;
  effect: { id: string; kind: string; status: string } | null;
  attemptsMade: number;
  error: { message: string; code: string | null; kind: string };
  failedAt: string;
}

async function list(query = ''): Promise<ListedDeadLetter[]> {
  const res = await ops.request.get(`/api/dead-letters${query ? `?${query}` : ''}`).set(bearer);
  expect(res.status).toBe(200);
  return res.body.items as ListedDeadLetter[];
}

function retry(id: string, body: unknown = { reason: 'provider fixed the card endpoint' }) {
  return ops.request.post(`/api/dead-letters/${encodeURIComponent(id)}/retry`).set(bearer).send(body as object);
}

function bulk(body: unknown) {
  return ops.request.post('/api/dead-letters/retry').set(bearer).send(body as object);
}

async function inDeadLetterQueue(queue: string, dlqId: string): Promise<boolean> {
  return !!(await ops.queue(`${queue}.dead`).getJob(dlqId));
}

describe('GET /api/dead-letters', () => {
  it('lists real dead letters with their event or effect, the classified error and a redacted payload', async () => {
    const evt = await fleet.deadEvent('payments', 'CARD_DECLINED', { api_key: 'sk_live_leaked_into_data' });
    const eff = await fleet.deadEffect('payments', 'TEMPLATE_REJECTED');
    await fleet.stop();

    const items = await list('queue=payments');
    const e = items.find((i) => i.id === evt.dlqId);
    expect(e).toMatchObject({
      queue: 'payments',
      jobId: evt.jobId,
      jobName: 'payments.process-event.v1',
      payload: { eventId: evt.eventId, api_key: '[redacted]' },
      event: { id: evt.eventId, provider: fleet.provider, type: 'charge.failed', status: 'dead' },
      effect: null,
      attemptsMade: 1,
      error: { kind: 'permanent', code: 'CARD_DECLINED' },
    });
    expect(e?.error.message).toContain(`the provider refused event ${evt.eventId}`);
    expect(new Date(e?.failedAt ?? 0).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(items)).not.toContain('sk_live_leaked_into_data');

    const f = items.find((i) => i.id === eff.dlqId);
    expect(f).toMatchObject({ jobId: eff.jobId, jobName: 'payments.perform-effect.v1', event: null, effect: { id: eff.effectId, kind: 'whatsapp.template', status: 'failed' }, error: { kind: 'permanent', code: 'TEMPLATE_REJECTED' } });
  });

  it('filters by queue, error kind, error code and time', async () => {
    const crm = await fleet.deadEvent('crm', 'LIST_FILTER_CODE');
    await fleet.stop();
    expect((await list('queue=crm')).map((i) => i.id)).toContain(crm.dlqId);
    expect((await list('queue=payments')).map((i) => i.id)).not.toContain(crm.dlqId);
    expect((await list('errorCode=LIST_FILTER_CODE')).map((i) => i.id)).toEqual([crm.dlqId]);
    expect((await list('errorKind=permanent&errorCode=LIST_FILTER_CODE')).map((i) => i.id)).toEqual([crm.dlqId]);
    expect(await list('errorKind=retryable&errorCode=LIST_FILTER_CODE')).toEqual([]);
    expect(await list(`errorCode=LIST_FILTER_CODE&since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    expect((await list(`errorCode=LIST_FILTER_CODE&since=${new Date(Date.now() - 60_000).toISOString()}`)).map((i) => i.id)).toEqual([crm.dlqId]);
    expect((await list('limit=1')).length).toBe(1);
  });

  it.each([
    ['queue=billing', /queue: "billing" is not a queue/],
    ['errorKind=fatal', /errorKind: "fatal" is not an error kind/],
    ['since=yesterday', /since: "yesterday" is not an ISO 8601 date/],
    ['limit=0', /limit: must be an integer from 1 to 500/],
    ['queu=crm', /unknown parameter\(s\): queu/],
  ])('rejects %s with 400 naming the parameter', async (query, message) => {
    const res = await ops.request.get(`/api/dead-letters?${query}`).set(bearer);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_query');
    expect(res.body.message).toMatch(message);
  });

  it('needs the token', async () => {
    expect((await ops.request.get('/api/dead-letters')).status).toBe(401);
  });
});

describe('POST /api/dead-letters/:id/retry', () => {
  it('re-drives a dead event: event back to queued, the original job retried in place and run once more, DLQ emptied, audited', async () => {
    const { eventId, jobId, dlqId } = await fleet.deadEvent('payments', 'CARD_DECLINED');
    await fleet.stop();
    expect(fleet.runsOf(jobId)).toBe(1);
    fleet.failing.delete(eventId);

    const res = await retry(dlqId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ retried: [dlqId], skipped: [] });

    const event = await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(event.status).toBe('queued');
    expect(event.lastError).toBeNull();
    expect(await fleet.jobState('payments', jobId)).toBe('waiting');
    expect(await inDeadLetterQueue('payments', dlqId)).toBe(false);

    fleet.start('payments');
    await eventually(async () => (await fleet.jobState('payments', jobId)) === 'completed', 10_000, 50, 'retried job completed');
    expect(fleet.runsOf(jobId)).toBe(2);
    expect((await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } })).status).toBe('processed');
    const job = await ops.queue('payments').getJob(jobId);
    expect(job?.attemptsMade).toBe(1);

    const audit = await ops.db.auditEntry.findMany({ where: { target: dlqId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'token', action: 'dead_letter.retry', reason: 'provider fixed the card endpoint' });
    expect(audit[0]?.details).toMatchObject({ queue: 'payments', jobId, eventId, effectId: null, mode: 'retried', newJobId: jobId });

    const again = await retry(dlqId);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'not_found' });
    expect(again.body.message).toContain(dlqId);
    await fleet.drained('payments');
    expect(fleet.runsOf(jobId)).toBe(2);
    expect(await ops.db.auditEntry.count({ where: { target: dlqId } })).toBe(1);
    await fleet.stop();
  });

  it('re-drives a failed effect: effect back to pending, its job run once more', async () => {
    const { effectId, jobId, dlqId } = await fleet.deadEffect('payments', 'TEMPLATE_REJECTED');
    await fleet.stop();
    fleet.failing.delete(effectId);

    const res = await retry(dlqId, { reason: 'template approved again' });
    expect(res.status).toBe(200);
    const effect = await ops.db.effect.findUniqueOrThrow({ where: { id: effectId } });
    expect(effect.status).toBe('pending');
    expect(effect.lastError).toBeNull();
    expect(jobId).toBe(effectJobId('payments', effectId));

    fleet.start('payments');
    await eventually(async () => (await fleet.jobState('payments', jobId)) === 'completed', 10_000, 50, 'effect job completed');
    expect(fleet.runsOf(jobId)).toBe(2);
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id: effectId } })).status).toBe('done');
    const [audit] = await ops.db.auditEntry.findMany({ where: { target: dlqId } });
    expect(audit).toMatchObject({ action: 'dead_letter.retry', reason: 'template approved again' });
    expect(audit?.details).toMatchObject({ effectId, eventId: null, jobId });
    await fleet.stop();
  });

  it('adds <job id>.r<n> when the original failed job was already trimmed', async () => {
    const { eventId, jobId, dlqId } = await fleet.deadEvent('payments', 'CARD_DECLINED');
    await fleet.stop();
    await ops.queue('payments').remove(jobId);
    expect(await fleet.jobState('payments', jobId)).toBe('missing');
    fleet.failing.delete(eventId);

    const res = await retry(dlqId);
    expect(res.status).toBe(200);
    const newJobId = `${jobId}.r0`;
    const added = await ops.queue('payments').getJob(newJobId);
    expect(added).toMatchObject({ name: 'payments.process-event.v1', data: { eventId } });

    fleet.start('payments');
    await eventually(async () => (await fleet.jobState('payments', newJobId)) === 'completed', 10_000, 50, 're-added job completed');
    expect(fleet.runsOf(newJobId)).toBe(1);
    expect((await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } })).status).toBe('processed');
    expect((await ops.db.auditEntry.findFirstOrThrow({ where: { target: dlqId } })).details).toMatchObject({ mode: 're-added', newJobId });
    await fleet.stop();
  });

  it('creates one job when the same dead letter is re-driven twice at once', async () => {
    const { eventId, jobId, dlqId } = await fleet.deadEvent('payments', 'CARD_DECLINED');
    await fleet.stop();
    fleet.failing.delete(eventId);

    const answers = await Promise.all([retry(dlqId), retry(dlqId), retry(dlqId)]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const s of statuses.filter((s) => s !== 200)) expect([404, 409]).toContain(s);

    fleet.start('payments');
    await eventually(async () => (await fleet.jobState('payments', jobId)) === 'completed', 10_000, 50, 'job completed');
    await fleet.drained('payments');
    expect(fleet.runsOf(jobId)).toBe(2);
    expect(await ops.queue('payments').getJob(`${jobId}.r0`)).toBeUndefined();
    expect(await ops.db.auditEntry.count({ where: { target: dlqId } })).toBe(1);
    await fleet.stop();
  });

  it('requires a reason, naming the field', async () => {
    for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
      const res = await retry('payments.evt.whatever.dead', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('reason_required');
      expect(res.body.message).toMatch(/^reason: /);
    }
    const wrongType = await retry('payments.evt.whatever.dead', { reason: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toBe('reason_required');
  });

  it('names unknown fields and refuses a body that is not JSON', async () => {
    const res = await retry('x.dead', { reason: 'ok', force: true });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_body', message: expect.stringMatching(/unknown field\(s\): force/) });
    const broken = await ops.request.post('/api/dead-letters/x.dead/retry').set(bearer).set('content-type', 'application/json').send('{"reason":');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('invalid_body');
  });

  it('answers 404 naming an unknown id', async () => {
    const res = await retry('payments.evt.nope.dead');
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('payments.evt.nope.dead');
  });

  it('needs the token and changes nothing without it', async () => {
    const { dlqId } = await fleet.deadEvent('payments', 'CARD_DECLINED');
    await fleet.stop();
    const res = await ops.request.post(`/api/dead-letters/${dlqId}/retry`).send({ reason: 'sneaky' });
    expect(res.status).toBe(401);
    const bulkRes = await ops.request.post('/api/dead-letters/retry').send({ reason: 'sneaky', filter: {} });
    expect(bulkRes.status).toBe(401);
    expect(await inDeadLetterQueue('payments', dlqId)).toBe(true);
    expect(await ops.db.auditEntry.count({ where: { target: dlqId } })).toBe(0);
  });
});

describe('POST /api/dead-letters/retry (bulk)', () => {
  it('re-drives only the entries matching the filter, once', async () => {
    const match1 = await fleet.deadEvent('payments', 'BULK_DECLINED');
    const match2 = await fleet.deadEvent('payments', 'BULK_DECLINED');
    const otherCode = await fleet.deadEvent('payments', 'BULK_OTHER');
    const otherQueue = await fleet.deadEvent('crm', 'BULK_DECLINED');
    await fleet.stop();
    for (const d of [match1, match2]) fleet.failing.delete(d.eventId);

    const res = await bulk({ reason: 'card processor outage is over', filter: { queue: 'payments', errorCode: 'BULK_DECLINED' } });
    expect(res.status).toBe(200);
    expect([...res.body.retried].sort()).toEqual([match1.dlqId, match2.dlqId].sort());
    expect(res.body.skipped).toEqual([]);

    expect(await inDeadLetterQueue('payments', otherCode.dlqId)).toBe(true);
    expect(await inDeadLetterQueue('crm', otherQueue.dlqId)).toBe(true);
    expect((await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: otherCode.eventId } })).status).toBe('dead');
    expect((await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: otherQueue.eventId } })).status).toBe('dead');
    for (const d of [match1, match2]) {
      expect((await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: d.eventId } })).status).toBe('queued');
      expect(await ops.db.auditEntry.findFirst({ where: { target: d.dlqId } })).toMatchObject({ actor: 'token', action: 'dead_letter.retry', reason: 'card processor outage is over' });
    }

    const again = await bulk({ reason: 'once more', filter: { queue: 'payments', errorCode: 'BULK_DECLINED' } });
    expect(again.body).toEqual({ retried: [], skipped: [] });

    fleet.start('payments');
    for (const d of [match1, match2]) await eventually(async () => (await fleet.jobState('payments', d.jobId)) === 'completed', 10_000, 50, `${d.jobId} completed`);
    for (const d of [match1, match2]) expect(fleet.runsOf(d.jobId)).toBe(2);
    expect(fleet.runsOf(otherCode.jobId)).toBe(1);
    expect(fleet.runsOf(otherQueue.jobId)).toBe(1);
    await fleet.stop();
  });

  it('skips, with the reason, what it cannot re-drive, and two concurrent bulks never re-drive one entry twice', async () => {
    const a = await fleet.deadEvent('payments', 'BULK_RACE');
    const b = await fleet.deadEvent('payments', 'BULK_RACE');
    const pending = await fleet.deadEvent('payments', 'BULK_RACE');
    await fleet.stop();
    // Someone already retried this one's original job (Bull Board): it is waiting, so re-driving would race it.
    await (await ops.queue('payments').getJob(pending.jobId))?.retry('failed');

    const body = { reason: 'race', filter: { errorCode: 'BULK_RACE' } };
    const [first, second] = await Promise.all([bulk(body), bulk(body)]);
    const retried = [...first.body.retried, ...second.body.retried].sort();
    expect(retried).toEqual([a.dlqId, b.dlqId].sort());
    const skipped = [...first.body.skipped, ...second.body.skipped] as { id: string; reason: string }[];
    expect(skipped.filter((s) => s.id === pending.dlqId).length).toBeGreaterThanOrEqual(1);
    expect(skipped.find((s) => s.id === pending.dlqId)?.reason).toMatch(/already waiting/);
    expect(await ops.db.auditEntry.count({ where: { target: { in: [a.dlqId, b.dlqId, pending.dlqId] } } })).toBe(2);
  });

  it('skips, naming why, a dead letter whose effect is already done, and leaves its job alone', async () => {
    const done = await fleet.deadEffect('payments', 'BULK_DONE');
    const failed = await fleet.deadEffect('payments', 'BULK_DONE');
    await fleet.stop();
    // Resolved since it failed (settled by a status webhook, or sent by an operator): nothing is left to re-run.
    await ops.db.effect.update({ where: { id: done.effectId }, data: { status: 'done' } });

    const res = await bulk({ reason: 'template approved', filter: { errorCode: 'BULK_DONE' } });
    expect(res.status).toBe(200);
    expect(res.body.retried).toEqual([failed.dlqId]);
    expect(res.body.skipped).toEqual([{ id: done.dlqId, reason: expect.stringMatching(new RegExp(`^effect ${done.effectId} \\(whatsapp\\.template\\) is already done`)) }]);
    expect(await fleet.jobState('payments', done.jobId)).toBe('failed');
    expect(await ops.db.auditEntry.count({ where: { target: done.dlqId } })).toBe(0);

    const one = await retry(done.dlqId);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ retried: [], skipped: [{ id: done.dlqId, reason: expect.stringContaining('is already done') }] });
    expect(await fleet.jobState('payments', done.jobId)).toBe('failed');
  });

  it('limits how many it re-drives', async () => {
    await fleet.deadEvent('whatsapp', 'BULK_LIMIT');
    await fleet.deadEvent('whatsapp', 'BULK_LIMIT');
    await fleet.stop();
    const res = await bulk({ reason: 'one at a time', filter: { errorCode: 'BULK_LIMIT' }, limit: 1 });
    expect(res.body.retried).toHaveLength(1);
    expect(await list('errorCode=BULK_LIMIT')).toHaveLength(1);
  });

  it.each([
    [{ filter: {} }, 'reason_required', /^reason: /],
    [{ reason: ' ', filter: {} }, 'reason_required', /^reason: /],
    [{ reason: 'x' }, 'invalid_body', /filter: is required/],
    [{ reason: 'x', filter: { errorKind: 'fatal' } }, 'invalid_body', /filter\.errorKind: "fatal" is not an error kind/],
    [{ reason: 'x', filter: { queue: 'billing' } }, 'invalid_body', /filter\.queue: "billing" is not a queue/],
    [{ reason: 'x', filter: { since: 'soon' } }, 'invalid_body', /filter\.since: "soon" is not an ISO 8601 date/],
    [{ reason: 'x', filter: { code: 'A' } }, 'invalid_body', /filter: unknown filter field\(s\): code/],
    [{ reason: 'x', filter: {}, limit: 5000 }, 'invalid_body', /limit: must be an integer from 1 to 1000/],
  ])('rejects %j', async (body, error, message) => {
    const res = await bulk(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
    expect(res.body.message).toMatch(message);
  });
});
