import { PassThrough } from 'node:stream';
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createLogger } from './create-logger';
import { withLogContext } from './correlation';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { logger: createLogger({ service: 'test', stream }), lines };
}

describe('createLogger trace ids', () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  beforeAll(() => context.setGlobalContextManager(manager));
  afterAll(() => context.disable());

  it('puts the active span’s trace and span id next to the correlation id', async () => {
    const { logger, lines } = capture();
    const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      withLogContext({ correlationId: 'evt-1' }, async () => {
        await new Promise((r) => setImmediate(r));
        logger.info('applied');
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ message: 'applied', correlationId: 'evt-1', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
  });

  it('adds no trace fields outside a span', async () => {
    const { logger, lines } = capture();
    withLogContext({ correlationId: 'evt-2' }, () => logger.info('no span'));
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ message: 'no span', correlationId: 'evt-2' });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('span_id');
  });
});
