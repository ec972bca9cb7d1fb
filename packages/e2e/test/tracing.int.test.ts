import { buildWebhook, SANDBOX_DEFAULTS } from '@switchyard/sandbox';
import { createOwnDatabase, eventually, must, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@switchyard/testing';
import { startChildFleet, type ChildFleet } from './support/child-fleet';
import { receiptSubjects } from './support/receipts';

// Receipts only: one payment → one WhatsApp send.
const SETTINGS = { crm: undefined, team: { notifications: [] } };
const SERVER = 2;
const CLIENT = 3;

/**
 * One trace per event: the apps run as separate processes (their real main.ts, so tracing starts
 * the way it does in production) exporting OTLP/HTTP to a receiver in this test. One Stripe
 * payment must give one trace from the webhook request through the payments worker and the
 * WhatsApp worker to the provider call, with the event and effect ids on it and no secret or
 * personal data anywhere in what was exported.
 */
describe('tracing: one trace per event', () => {
  let database: { url: string; drop(): Promise<void> };
  let otlp: OtlpReceiver;
  let fleet: ChildFleet;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    database = await createOwnDatabase();
    fleet = await startChildFleet({ databaseUrl: database.url, settings: SETTINGS, env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '100' } });
    await fleet.start();
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
    await database?.drop().catch(() => undefined);
    await otlp?.close();
  });

  it('follows a Stripe payment from the webhook to the WhatsApp call in one trace, without secrets or personal data', async () => {
    const subject = must(receiptSubjects(1)[0]);
    const answer = await fleet.post(buildWebhook('stripe', 'payment_intent.succeeded', { subject, to: fleet.receiver.url }));
    expect(answer.status).toBe(200);

    const { rows: events } = await fleet.pool.query<{ id: string; trace_context: string | null }>(`SELECT id, trace_context FROM inbound_events WHERE provider = 'stripe'`);
    const event = must(events[0]);
    const traceId = must(event.trace_context?.split('-')[1]);

    const { rows: effects } = await eventually(
      async () => {
        const r = await fleet.pool.query<{ id: string; trace_context: string | null }>(`SELECT id, trace_context FROM effects WHERE kind = 'message.send' AND status = 'done'`);
        if (r.rows.length === 0) throw new Error('no receipt sent yet');
        return r;
      },
      60_000,
      100,
      'the receipt to be sent',
    );
    const effect = must(effects[0]);
    // The effect was planned inside the event's trace.
    expect(effect.trace_context?.split('-')[1]).toBe(traceId);

    const inTrace = () => otlp.spans.filter((s) => s.traceId === traceId);
    const has = (what: string, match: (s: ReceivedSpan) => boolean) => inTrace().some(match) || what;
    // Positive signal: every hop's span has arrived.
    const trace = await eventually(
      async () => {
        const missing = [
          has('receiver request span (the root) with the event id', (s) => s.service === 'receiver' && s.kind === SERVER && !s.parentSpanId && ([] as unknown[]).concat(s.attributes['switchyard.event_id']).includes(event.id)),
          has('payments worker apply span', (s) => s.service === 'worker-payments' && s.attributes['switchyard.event_id'] === event.id && s.name.startsWith('apply ')),
          has('outbox relay span for the effect', (s) => s.name === 'outbox.relay enqueue' && s.attributes['switchyard.effect_id'] === effect.id),
          has('whatsapp worker perform span', (s) => s.service === 'worker-whatsapp' && s.attributes['switchyard.effect_id'] === effect.id && s.name === 'perform effect'),
          has('whatsapp provider call', (s) => s.service === 'worker-whatsapp' && s.kind === CLIENT && /POST/.test(s.name) && JSON.stringify(s.attributes).includes('/messages')),
        ].filter((m): m is string => typeof m === 'string');
        if (missing.length) throw new Error(`trace ${traceId} lacks: ${missing.join('; ')} (${otlp.spans.length} spans received)`);
        return inTrace();
      },
      60_000,
      100,
      'the whole trace to arrive',
    );

    // One trace: the hops are parent and child, not separate traces glued by attributes.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const call = must(trace.find((s) => s.service === 'worker-whatsapp' && s.kind === CLIENT));
    const chain: string[] = [];
    for (let s: ReceivedSpan | undefined = call; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) chain.push(`${s.service}:${s.name}`);
    expect(chain.at(-1)).toMatch(/^receiver:/);
    expect(chain.some((c) => c.startsWith('worker-payments:apply '))).toBe(true);
    expect(chain.some((c) => c.startsWith('worker-whatsapp:perform effect'))).toBe(true);
    expect(trace.find((s) => s.service === 'worker-whatsapp' && s.name === 'perform effect')?.attributes).toMatchObject({ 'switchyard.effect_kind': 'message.send', 'switchyard.provider': 'whatsapp', 'switchyard.event_id': event.id });

    // The provider's status webhook is a trace of its own (it carries no trace context), linked to the send's.
    await eventually(
      async () => {
        const linked = otlp.spans.find((s) => s.service === 'worker-whatsapp' && s.name === 'apply message.status_changed' && s.links.some((l) => l.traceId === traceId));
        if (!linked) throw new Error('no status webhook span links to the trace yet');
        expect(linked.traceId).not.toBe(traceId);
        expect(linked.attributes['switchyard.effect_id']).toBe(effect.id);
        return linked;
      },
      60_000,
      100,
      'the status webhook to link to the send',
    );

    // Nothing secret or personal in anything exported (every trace, not only this one).
    const secrets = Object.entries(SANDBOX_DEFAULTS)
      .filter(([k, v]) => typeof v === 'string' && /SECRET|TOKEN|KEY|PASSWORD/.test(k) && v.length >= 8)
      .map(([, v]) => String(v));
    const forbidden = [subject.email, subject.phone, subject.name, ...secrets];
    const leaks = otlp.spans.flatMap((s) => s.strings.filter((v) => forbidden.some((f) => v.toLowerCase().includes(f.toLowerCase()))).map((v) => `${s.service}:${s.name}: ${v}`));
    expect(leaks).toEqual([]);
  }, 150_000);

  it('continues the trace when a job is retried: both attempts of the send are in the payment trace', async () => {
    const subject = must(receiptSubjects(2)[1]);
    // The provider refuses the first send (an answer: nothing went out), so the job retries it.
    await fleet.addFault({ provider: 'whatsapp', method: 'POST', type: 'error', status: 503, count: 1 });
    const answer = await fleet.post(buildWebhook('stripe', 'payment_intent.succeeded', { subject, to: fleet.receiver.url }));
    expect(answer.status).toBe(200);
    const { rows } = await eventually(
      async () => {
        const r = await fleet.pool.query<{ id: string; trace_context: string | null }>(
          `SELECT id, trace_context FROM effects WHERE kind = 'message.send' AND status = 'done' AND request->>'to' = $1`,
          [subject.phone],
        );
        const row = r.rows[0];
        if (!row) throw new Error('the retried receipt is not sent yet');
        return r;
      },
      60_000,
      100,
      'the retried receipt to be sent',
    );
    const effect = must(rows[0]);
    const traceId = must(effect.trace_context?.split('-')[1]);

    const calls = await eventually(
      async () => {
        const posts = otlp.spans.filter((s) => s.traceId === traceId && s.service === 'worker-whatsapp' && s.kind === CLIENT && s.attributes['http.request.method'] === 'POST');
        const statuses = posts.map((s) => s.attributes['http.response.status_code']).sort();
        if (statuses.length < 2) throw new Error(`provider calls in the trace so far: ${JSON.stringify(statuses)}`);
        return statuses;
      },
      60_000,
      100,
      'both attempts of the send to be exported',
    );
    expect(calls).toEqual([200, 503]);
    const attempts = otlp.spans.filter((s) => s.traceId === traceId && s.name === 'perform effect' && s.attributes['switchyard.effect_id'] === effect.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
  }, 150_000);
});

