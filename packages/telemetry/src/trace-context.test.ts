import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { contextFromTraceparent, currentTraceparent, linkTo, withSpan } from './trace-context';
import { isTraceRoot } from './trace-root';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('reads a stored traceparent back as a remote parent', () => {
    const sc = trace.getSpanContext(contextFromTraceparent(TP));
    expect(sc).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
  });

  it.each([[null], [undefined], [''], ['garbage'], ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'], ['01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']])('treats %p as no parent', (tp) => {
    expect(contextFromTraceparent(tp)).toBe(ROOT_CONTEXT);
    expect(linkTo(tp)).toEqual([]);
  });

  it('has no traceparent outside a span, and with tracing off', async () => {
    expect(currentTraceparent()).toBeNull();
    await withSpan('off', {}, async () => expect(currentTraceparent()).toBeNull());
  });

  describe('with a tracer provider', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const manager = new AsyncLocalStorageContextManager().enable();
    beforeAll(() => {
      trace.setGlobalTracerProvider(provider);
      context.setGlobalContextManager(manager);
    });
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
    });

    it('continues a stored trace, and the current traceparent names the new span', async () => {
      const seen = await withSpan('apply', { parent: TP, attributes: { 'switchyard.event_id': 'e1' } }, async () => {
        await new Promise((r) => setImmediate(r));
        return currentTraceparent();
      });
      const span = exporter.getFinishedSpans().find((s) => s.name === 'apply');
      expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(seen).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span?.spanContext().spanId}-01`);
    });

    it('links a re-drive to the original trace and records a failure', async () => {
      await expect(withSpan('redrive', { parent: null, links: linkTo(TP) }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      const span = exporter.getFinishedSpans().find((s) => s.name === 'redrive');
      expect(span?.spanContext().traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(span?.links[0]?.context.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(span?.status.code).toBe(2);
    });
  });
});

describe('isTraceRoot', () => {
  it.each([
    [SpanKind.SERVER, {}, true],
    [SpanKind.CONSUMER, {}, true],
    [SpanKind.INTERNAL, { 'switchyard.event_id': 'e' }, true],
    [SpanKind.INTERNAL, { 'bullmq.queue.name': 'payments' }, false],
    [SpanKind.CLIENT, { 'db.system': 'postgresql' }, false],
    [SpanKind.PRODUCER, {}, false],
  ])('kind %p with %p → %p', (kind, attrs, expected) => {
    expect(isTraceRoot(kind, attrs)).toBe(expected);
  });
});
