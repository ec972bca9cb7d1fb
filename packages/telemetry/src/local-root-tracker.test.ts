import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LocalRootTracker } from './local-root-tracker';
import { annotateActiveSpan, contextFromTraceparent, setLocalRootResolver, withSpan } from './trace-context';

describe('LocalRootTracker and annotateActiveSpan', () => {
  const exporter = new InMemorySpanExporter();
  const roots = new LocalRootTracker();
  const provider = new BasicTracerProvider({ spanProcessors: [roots, new SimpleSpanProcessor(exporter)] });
  const manager = new AsyncLocalStorageContextManager().enable();
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(manager);
    setLocalRootResolver(roots.rootOf);
  });
  afterAll(async () => {
    setLocalRootResolver(() => undefined);
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('puts attributes on the active span and on the first span of this process above it', async () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    // The request span continues a remote caller (its parent is not of this process): it is the local root.
    await withSpan('request', { parent: tp }, () => withSpan('handler', {}, () => withSpan('ingest', {}, async () => annotateActiveSpan({ 'switchyard.event_id': 'e1' }))));
    const byName = new Map(exporter.getFinishedSpans().map((s) => [s.name, s]));
    expect(byName.get('ingest')?.attributes).toEqual({ 'switchyard.event_id': 'e1' });
    expect(byName.get('request')?.attributes).toEqual({ 'switchyard.event_id': 'e1' });
    expect(byName.get('handler')?.attributes).toEqual({});
    expect(trace.getSpanContext(contextFromTraceparent(tp))?.isRemote).toBe(true);
  });
});
