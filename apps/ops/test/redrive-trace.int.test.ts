import { flushTelemetry, registerTelemetry, shutdownTelemetry, type ReadableSpan } from '@switchyard/telemetry';
import { TestFleet } from './fleet';
import { bearer, eventually, startOps, type TestOps } from './harness';

const ORIGINAL_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ORIGINAL = `00-${ORIGINAL_TRACE}-00f067aa0ba902b7-01`;

const exported: ReadableSpan[] = [];
let ops: TestOps;
let fleet: TestFleet;

beforeAll(async () => {
  // Tracing on in this process, as OTEL_EXPORTER_OTLP_ENDPOINT turns it on in the ops app; spans
  // are collected here instead of sent over OTLP (jest's VM cannot run the OTLP exporter).
  const exporter = {
    export: (spans: ReadableSpan[], done: (result: { code: number }) => void) => {
      exported.push(...spans);
      done({ code: 0 });
    },
    shutdown: async () => undefined,
  };
  expect(registerTelemetry('ops', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_BSP_SCHEDULE_DELAY: '50' }, { exporter })).toBe(true);
  ops = await startOps();
  fleet = new TestFleet(ops);
});
afterAll(async () => {
  await fleet.stop();
  await ops.close();
  await shutdownTelemetry();
});

/** A console re-drive is new work about old work: a trace of its own that links to the original. */
it('links a re-drive from the console to the trace the dead job came from, and the new job continues the re-drive', async () => {
  const { eventId, jobId, dlqId } = await fleet.deadEvent('payments', 'CARD_DECLINED', { traceparent: ORIGINAL });
  await fleet.stop();
  await ops.queue('payments').remove(jobId);

  const res = await ops.request.post(`/api/dead-letters/${encodeURIComponent(dlqId)}/retry`).set(bearer).send({ reason: 'card endpoint fixed' });
  expect(res.status).toBe(200);
  await flushTelemetry();

  const redrive = await eventually(
    async () => {
      const span = exported.find((s) => s.name === 'redrive dead letter' && s.attributes['switchyard.event_id'] === eventId);
      if (!span) throw new Error(`no re-drive span yet (${exported.length} spans exported)`);
      return span;
    },
    10_000,
    50,
    'the re-drive span to be exported',
  );
  const traceId = redrive.spanContext().traceId;
  expect(redrive.resource.attributes['service.name']).toBe('ops');
  expect(traceId).not.toBe(ORIGINAL_TRACE);
  expect(redrive.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[ORIGINAL_TRACE, '00f067aa0ba902b7']]);

  // The re-added job carries the re-drive's context to its worker (BullMQ's telemetry metadata), and its data the original's.
  const added = await ops.queue('payments').getJob(`${jobId}.r0`);
  expect(added?.data).toEqual({ eventId, traceparent: ORIGINAL });
  const metadata = JSON.parse(added?.opts.telemetry?.metadata ?? '{}') as { traceparent?: string };
  expect(metadata.traceparent?.split('-')[1]).toBe(traceId);
});
