import { randomBytes, randomUUID } from 'node:crypto';
import { queueNames } from '@switchyard/queues';
import { bearer, startOps, type TestOps } from './harness';

let ops: TestOps;
const tag = randomBytes(4).toString('hex');
const stripe = `dash-stripe-${tag}`;
const twilio = `dash-twilio-${tag}`;
// A day nobody else's rows fall on (the test database is shared by the suite's files).
const day = Date.UTC(1990 + Math.floor(Math.random() * 20), 0, 1 + Math.floor(Math.random() * 300));
const at = (minutes: number, ms = 0) => new Date(day + minutes * 60_000 + ms);

async function event(provider: string, receivedAt: Date, processedAt: Date | null): Promise<string> {
  const id = randomUUID();
  await ops.db.inboundEvent.create({
    data: { id, provider, connection: 'default', providerEventId: `evt_${id}`, type: 'charge.succeeded', status: processedAt ? 'processed' : 'queued', receivedAt, processedAt },
  });
  return id;
}

async function effect(fields: { status: 'done' | 'failed' | 'skipped' | 'parked'; eventId?: string; doneAt?: Date; updatedAt: Date }): Promise<void> {
  const id = randomUUID();
  await ops.db.effect.create({
    data: {
      id,
      kind: 'whatsapp.template',
      businessKey: `dash:${id}`,
      status: fields.status,
      queue: 'whatsapp',
      provider: twilio,
      connection: 'default',
      idempotencyKey: id,
      eventId: fields.eventId ?? null,
      entityType: 'message',
      entityKey: id,
      request: {},
      doneAt: fields.doneAt ?? null,
      updatedAt: fields.updatedAt,
    },
  });
}

beforeAll(async () => {
  ops = await startOps();
  // Hour 0: two stripe events received, one processed; two effects done 1 s and 3 s after receipt.
  const e1 = await event(stripe, at(10), at(40));
  const e2 = await event(stripe, at(20), null);
  await effect({ status: 'done', eventId: e1, doneAt: at(10, 1000), updatedAt: at(10, 1000) });
  await effect({ status: 'done', eventId: e2, doneAt: at(20, 3000), updatedAt: at(20, 3000) });
  // Hour 1: a twilio event received and processed; one effect failed, one skipped.
  await event(twilio, at(90), at(105));
  await effect({ status: 'failed', updatedAt: at(65) });
  await effect({ status: 'skipped', updatedAt: at(70) });
  // Hour 2: an effect done with no inbound event (no latency to measure).
  await effect({ status: 'done', doneAt: at(125), updatedAt: at(125) });
  // Outside the range.
  await event(stripe, at(180), at(181));
});
afterAll(() => ops.close());

describe('GET /api/dashboard', () => {
  it('counts a seeded fixture per hour: received and processed per provider, effects with latency', async () => {
    const res = await ops.request.get(`/api/dashboard?from=${at(0).toISOString()}&to=${at(180).toISOString()}&bucket=1h`).set(bearer);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: at(0).toISOString(), to: at(180).toISOString(), bucket: '1h' });
    expect(res.body.series).toEqual([
      { at: at(0).toISOString(), received: { [stripe]: 2 }, processed: { [stripe]: 1 }, effects: { done: 2, failed: 0, skipped: 0 }, latencyMs: { p50: 2000, p99: 2980 } },
      { at: at(60).toISOString(), received: { [twilio]: 1 }, processed: { [twilio]: 1 }, effects: { done: 0, failed: 1, skipped: 1 }, latencyMs: null },
      { at: at(120).toISOString(), received: {}, processed: {}, effects: { done: 1, failed: 0, skipped: 0 }, latencyMs: null },
    ]);
  });

  it('bins by day and by five minutes, aligned to the epoch', async () => {
    const daily = await ops.request.get(`/api/dashboard?from=${at(0).toISOString()}&to=${at(24 * 60).toISOString()}&bucket=1d`).set(bearer);
    expect(daily.body.series).toEqual([
      { at: at(0).toISOString(), received: { [stripe]: 3, [twilio]: 1 }, processed: { [stripe]: 2, [twilio]: 1 }, effects: { done: 3, failed: 1, skipped: 1 }, latencyMs: { p50: 2000, p99: 2980 } },
    ]);
    const fine = await ops.request.get(`/api/dashboard?from=${at(7).toISOString()}&to=${at(25).toISOString()}&bucket=5m`).set(bearer);
    expect(fine.body.series.map((p: { at: string }) => p.at)).toEqual([5, 10, 15, 20].map((m) => at(m).toISOString()));
    expect(fine.body.series.map((p: { received: Record<string, number> }) => p.received[stripe] ?? 0)).toEqual([0, 1, 0, 1]);
  });

  it('reports the queues and backlogs as they are now', async () => {
    await ops.queue('payments').add('payments.process-event.v1', { eventId: randomUUID() }, { jobId: `dash-${tag}-1` });
    await ops.queue('payments').add('payments.process-event.v1', { eventId: randomUUID() }, { jobId: `dash-${tag}-2`, delay: 3_600_000 });
    await ops.queue('crm.dead').add('dead-letter.v1', { queue: 'crm' }, { jobId: `dash-${tag}-dead` });
    await effect({ status: 'parked', updatedAt: new Date() });
    const res = await ops.request.get('/api/dashboard').set(bearer);
    expect(res.status).toBe(200);
    expect(res.body.bucket).toBe('1h');
    expect(new Date(res.body.to as string).getTime() - new Date(res.body.from as string).getTime()).toBe(24 * 3600_000);
    expect(res.body.series.length).toBeGreaterThanOrEqual(24);
    expect(Object.keys(res.body.now.deadLetters).sort()).toEqual([...queueNames].sort());
    expect(res.body.now.deadLetters.crm).toBe(1);
    expect(res.body.now.queues.payments).toEqual({ waiting: 1, active: 0, delayed: 1 });
    expect(res.body.now.queues.crm).toEqual({ waiting: 0, active: 0, delayed: 0 });
    expect(res.body.now.parkedSends).toBeGreaterThanOrEqual(1);
    expect(res.body.now.outboxBacklog).toEqual(expect.any(Number));
  });

  it.each([
    ['bucket=2m', /^bucket: "2m" is not a bucket \(one of: 5m, 1h, 1d\)/],
    ['from=yesterday', /^from: "yesterday" is not an ISO 8601 date/],
    ['from=2026-02-01&to=2026-01-01', /^from: "from" must be before "to"/],
    ['from=2026-01-01&to=2026-03-01&bucket=5m', /^bucket: makes more than 2000 points/],
    ['form=2026-01-01', /unknown parameter\(s\): form/],
  ])('rejects %s naming the field', async (query, message) => {
    const res = await ops.request.get(`/api/dashboard?${query}`).set(bearer);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_query');
    expect(res.body.message).toMatch(message);
  });

  it('needs credentials', async () => {
    expect((await ops.request.get('/api/dashboard')).status).toBe(401);
  });
});
