import { createLogger } from '@switchyard/logger';
import { createRedis, effectJobId, Queue, type Redis, queuePrefix } from '@switchyard/queues';
import { buildWebhook, createSubject, mulberry32, WHATSAPP_MAGIC_SUFFIXES } from '@switchyard/sandbox';
import { captureLogs, eventually, listen, must } from '@switchyard/testing';
// The ops console is an app, not a library the e2e package depends on: start it from its source.
import { createDatabase, poolOf } from '@switchyard/db';
import { createServer as createOps } from '@switchyard/ops';
import { startFleet, type Fleet } from './support/fleet';

jest.setTimeout(60_000);

const OPS_TOKEN = 'e2e-ops-token-0123456789abcdef';

interface DeadLetterData {
  queue: string;
  jobName: string;
  jobId: string;
  data: { effectId?: string };
  attemptsMade: number;
  error: { message: string; code?: string; kind: string };
  errors: { attempt: number; code?: string; kind: string }[];
  failedAt: string;
}

type HubspotState = { hubspot: { deals: { properties: Record<string, string> }[]; notes: { properties: Record<string, string> }[] } };

/**
 * Permanent provider errors: the job goes to the dead-letter queue on its first failure with the
 * classified error, the effect is `failed`; an operator re-drives it through the ops console once
 * the cause is fixed, and the write happens once. A WhatsApp message the network later reports
 * undeliverable becomes a failed message with a CRM note and a team notification (workflow 5).
 */
describe('dead letters: permanent errors and the ops re-drive', () => {
  let fleet: Fleet;
  let redis: Redis;
  let ops: { url: string; close(): Promise<void> };
  let crm: Queue;
  let crmDead: Queue;

  beforeAll(async () => {
    fleet = await startFleet();
    redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
    redis.on('error', () => undefined);
    const { stream } = captureLogs();
    ops = await listen(createOps({ db: createDatabase({ url: fleet.databaseUrl, pool: poolOf(fleet.db) }), redis, prefix: fleet.prefix, token: OPS_TOKEN, logger: createLogger({ service: 'ops-e2e', level: 'warn', stream }) }));
    crm = new Queue('crm', { connection: redis, prefix: queuePrefix(fleet.prefix, 'crm') });
    crmDead = new Queue('crm.dead', { connection: redis, prefix: queuePrefix(fleet.prefix, 'crm.dead') });
  });
  afterAll(async () => {
    await ops.close();
    await crm.close();
    await crmDead.close();
    redis.disconnect();
    await fleet.close();
  });

  const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${ops.url}${path}`, { method, headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('a HubSpot 400 on the deal sync dead-letters at once with its classification; the ops re-drive writes the deal once', async () => {
    await fleet.addFault({ provider: 'hubspot', path: '/crm/v3/objects/deals', type: 'error', status: 400 });
    const subject = createSubject(mulberry32(4242));
    expect((await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }))).delivered).toBe(true);
    await fleet.settled();

    const [deal] = await fleet.db.$queryRawUnsafe<{ id: string; status: string; last_error: string | null }[]>(`SELECT id, status::text, last_error FROM effects WHERE kind = 'crm.deal.sync'`);
    expect(deal).toBeDefined();
    expect(must(deal).status).toBe('failed');
    expect(must(deal).last_error).toMatch(/^permanent: .*hubspot 400/);
    // The other effects of the payment went through: only the deal write is refused.
    const others = await fleet.db.$queryRawUnsafe<{ kind: string; status: string }[]>(`SELECT kind, status::text FROM effects WHERE kind <> 'crm.deal.sync' ORDER BY kind`);
    expect(others).toEqual([
      { kind: 'crm.note', status: 'done' },
      { kind: 'message.send', status: 'done' },
      { kind: 'team.notify', status: 'done' },
    ]);

    // One call, refused, and no retries spent on it.
    const dealCalls = await fleet.sandboxRequests({ provider: 'hubspot', pathIncludes: '/objects/deals' });
    expect(dealCalls.map((r) => r.status)).toEqual([400]);
    const jobId = effectJobId('crm', must(deal).id);
    const job = await crm.getJob(jobId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);

    const deadId = `${jobId}.dead`;
    const dead = await eventually(() => crmDead.getJob(deadId), 5000, 50, 'the dead letter');
    const data = dead.data as DeadLetterData;
    expect(data).toMatchObject({ queue: 'crm', jobName: 'crm.perform-effect.v1', jobId, data: { effectId: must(deal).id }, attemptsMade: 1, error: { kind: 'permanent' } });
    expect(data.error.message).toMatch(/^HTTP_400|^HUBSPOT_400/);
    expect(data.error.message).toContain('hubspot 400');
    expect(data.error.code).toBe('HUBSPOT_400_VALIDATION_ERROR');
    expect(data.errors).toEqual([expect.objectContaining({ attempt: 1, kind: 'permanent', code: 'HUBSPOT_400_VALIDATION_ERROR' })]);
    console.log(`dead letter ${deadId}: ${JSON.stringify(data.error)}; effect last_error: ${must(deal).last_error}`);
    // "Immediately": the job was started once, never delayed for a backoff.
    expect(job?.attemptsStarted).toBe(1);

    // The console shows it with its effect and classification.
    const listed = await api('GET', '/api/dead-letters?queue=crm');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: deadId, jobId, attemptsMade: 1, effect: { id: must(deal).id, kind: 'crm.deal.sync', status: 'failed' }, error: expect.objectContaining({ kind: 'permanent' }) })]);

    // A re-drive needs a reason; the cause is fixed, then the operator re-drives with one.
    expect((await api('POST', `/api/dead-letters/${encodeURIComponent(deadId)}/retry`, {})).status).toBe(400);
    await fleet.clearFaults();
    const redriveFrom = (await fleet.sandboxRequests()).length;
    const reason = 'HubSpot deal property fixed (e2e)';
    const retried = await api('POST', `/api/dead-letters/${encodeURIComponent(deadId)}/retry`, { reason });
    expect(retried).toEqual({ status: 200, body: { retried: [deadId], skipped: [] } });

    await eventually(async () => (await fleet.db.$queryRawUnsafe<{ status: string }[]>(`SELECT status::text FROM effects WHERE id = $1::uuid`, must(deal).id))[0]?.status === 'done', 15_000, 50, 'the re-driven deal sync to finish');
    await fleet.settled();
    const [after] = await fleet.db.$queryRawUnsafe<{ status: string; last_error: string | null; provider_ref: string | null }[]>(`SELECT status::text, last_error, provider_ref FROM effects WHERE id = $1::uuid`, must(deal).id);
    expect(after).toMatchObject({ status: 'done', last_error: null, provider_ref: expect.any(String) });
    expect(await crmDead.getJob(deadId)).toBeUndefined();
    expect(await (await crm.getJob(jobId))?.getState()).toBe('completed');

    // The deal was written once, after the re-drive, at the paid stage.
    const afterRedrive = (await fleet.sandboxRequests()).slice(redriveFrom);
    expect(afterRedrive.filter((r) => r.path.includes('/objects/deals')).map((r) => r.status)).toEqual([200]);
    const state = (await fleet.sandboxState()) as HubspotState;
    expect(state.hubspot.deals).toHaveLength(1);
    expect(must(state.hubspot.deals[0]).properties.dealstage).toBe('closedwon');

    const audit = await fleet.db.$queryRawUnsafe<{ actor: string; action: string; target: string; reason: string; details: Record<string, unknown> }[]>(`SELECT actor, action, target, reason, details FROM audit_entries`);
    expect(audit).toEqual([{ actor: 'token', action: 'dead_letter.retry', target: deadId, reason, details: expect.objectContaining({ queue: 'crm', jobId, effectId: must(deal).id, effectRequeued: true, mode: 'retried' }) }]);

    // Re-driving again finds nothing, writes nothing, audits nothing.
    const again = await api('POST', `/api/dead-letters/${encodeURIComponent(deadId)}/retry`, { reason });
    expect(again.status).toBe(404);
    await fleet.drained('crm');
    await fleet.settled();
    expect((await fleet.sandboxRequests()).slice(redriveFrom).filter((r) => r.path.includes('/objects/deals'))).toHaveLength(1);
    expect(await fleet.db.$queryRawUnsafe(`SELECT id FROM audit_entries`)).toHaveLength(1);
  });

  it('a WhatsApp recipient the network cannot reach: the message fails by status webhook, with a CRM note and a team notification', async () => {
    const base = createSubject(mulberry32(777));
    const subject = { ...base, phone: `${base.phone.slice(0, -4)}${WHATSAPP_MAGIC_SUFFIXES.undeliverable}` };
    expect((await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }))).delivered).toBe(true);

    // The send itself is accepted; the failure arrives later as a status webhook.
    const message = await eventually(
      async () => (await fleet.db.$queryRawUnsafe<{ id: string; status: string; recipient: string; error_code: string | null; effect_id: string | null }[]>(`SELECT id, status, recipient, error_code, effect_id FROM messages WHERE recipient = $1`, subject.phone))[0],
      15_000,
      50,
      'the message row',
    );
    await eventually(async () => (await fleet.db.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM effects WHERE business_key = $1`, `msg-failed:${message.id}`)).length >= 1, 15_000, 50, 'the failure effects');
    await fleet.settled();

    const [row] = await fleet.db.$queryRawUnsafe<{ status: string; error_code: string | null; effect_id: string | null }[]>(`SELECT status, error_code, effect_id FROM messages WHERE id = $1`, message.id);
    expect(row).toMatchObject({ status: 'failed', error_code: '131026' });
    const [send] = await fleet.db.$queryRawUnsafe<{ id: string; status: string; provider_ref: string }[]>(`SELECT id, status::text, provider_ref FROM effects WHERE kind = 'message.send' AND request->>'to' = $1`, subject.phone);
    expect(send).toMatchObject({ status: 'done', provider_ref: message.id });
    expect(must(row).effect_id).toBe(must(send).id);

    // Workflow 5's effects hang off the message: the note keyed `msg-failed:<id>`, the team post `<channel>:message.failed:<id>`.
    const failureEffects = await fleet.db.$queryRawUnsafe<{ kind: string; business_key: string; status: string }[]>(`SELECT kind, business_key, status::text FROM effects WHERE entity_type = 'message' AND entity_key = $1 ORDER BY kind`, message.id);
    expect(failureEffects).toEqual([
      { kind: 'crm.note', business_key: `msg-failed:${message.id}`, status: 'done' },
      { kind: 'team.notify', business_key: `ops-slack:message.failed:${message.id}`, status: 'done' },
    ]);
    const state = (await fleet.sandboxState()) as HubspotState;
    const note = state.hubspot.notes.find((n) => n.properties.switchyard_note_id === `msg-failed:${message.id}`);
    expect(note?.properties.hs_note_body).toContain('131026');
    const slack = (await fleet.sandboxRequests({ pathIncludes: '/slack/' })).filter((r) => JSON.stringify(r.body).includes(message.id));
    expect(slack).toHaveLength(1);
    // Undeliverable is the network's verdict, not a queue failure: nothing was dead-lettered for it.
    const whatsappDead = new Queue('whatsapp.dead', { connection: redis, prefix: queuePrefix(fleet.prefix, 'whatsapp.dead') });
    try {
      expect(await whatsappDead.count()).toBe(0);
    } finally {
      await whatsappDead.close();
    }
  });
});
