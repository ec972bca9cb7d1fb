import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ScrubbingSpanProcessor } from './scrubbing-span-processor';

describe('ScrubbingSpanProcessor', () => {
  it('scrubs span, event and link attributes before the exporter sees them', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new ScrubbingSpanProcessor(new SimpleSpanProcessor(exporter))] });
    const tracer = provider.getTracer('test');
    const other = tracer.startSpan('other');
    const span = tracer.startSpan('work', { attributes: { 'http.request.header.authorization': 'Bearer x', 'switchyard.event_id': 'e1' }, links: [{ context: other.spanContext(), attributes: { 'customer.email': 'a@b.co' } }] }, context.active());
    span.recordException(new Error('no contact for a@b.co'));
    span.end();
    other.end();
    await provider.forceFlush();

    const [work] = exporter.getFinishedSpans().filter((s) => s.name === 'work');
    expect(work?.attributes).toEqual({ 'switchyard.event_id': 'e1' });
    expect(work?.events[0]?.attributes?.['exception.message']).toBe('no contact for [email]');
    expect(work?.links[0]?.attributes).toEqual({});
    expect(work && trace.isSpanContextValid(work.spanContext())).toBe(true);
    await provider.shutdown();
  });
});
