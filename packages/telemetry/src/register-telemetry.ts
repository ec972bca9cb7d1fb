import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Telemetry } from 'bullmq';
import { loadTelemetryEnv, type TelemetryEnv } from './env';

interface Started {
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

let started: Started | undefined;

/** Request paths that are probes, not work: their spans would drown the traces that matter. */
const PROBE_PATH = /^\/(readyz|healthz|livez|metrics)(\/|\?|$)/;

/**
 * Starts OpenTelemetry for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set, and does nothing
 * otherwise: the SDK, exporter and instrumentations are required here, lazily, so a fleet without
 * a collector never loads them. Must run before pg, ioredis, express and http are first required
 * (each app's `src/telemetry.ts`, the first import of its main.ts), or their calls go unseen.
 */
export function registerTelemetry(service: string, source?: Record<string, string | undefined>, options: { exporter?: SpanExporter } = {}): boolean {
  if (started) return true;
  const env = loadTelemetryEnv(source);
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return false;
  started = start(service, env as TelemetryEnv & { OTEL_EXPORTER_OTLP_ENDPOINT: string }, options.exporter);
  return true;
}

/** Whether this process exports traces (registerTelemetry found an endpoint). */
export function telemetryEnabled(): boolean {
  return started !== undefined;
}

/** BullMQ's own telemetry hook for a Queue or Worker, when tracing is on. */
export function bullmqTelemetry(): Telemetry | undefined {
  if (!started) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { BullMQOtel } = require('bullmq-otel') as typeof import('bullmq-otel');
  return new BullMQOtel({ tracerName: 'bullmq' });
}

/** Sends what is buffered and stops exporting (graceful shutdown). */
export async function shutdownTelemetry(): Promise<void> {
  await started?.shutdown();
}

/** Sends every ended span now (tests, and before a deliberate exit). */
export async function flushTelemetry(): Promise<void> {
  await started?.forceFlush();
}

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is required lazily, only when tracing is on */
/**
 * `exporter` replaces the OTLP exporter for tests inside jest, whose VM cannot run the exporter's
 * dynamic import of `http`; everything else is what an app runs.
 */
function start(defaultService: string, env: TelemetryEnv & { OTEL_EXPORTER_OTLP_ENDPOINT: string }, testExporter?: SpanExporter): Started {
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation, ExpressLayerType } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const { ScrubbingSpanProcessor } = require('./scrubbing-span-processor') as typeof import('./scrubbing-span-processor');
  const { rootSampler } = require('./root-sampler') as typeof import('./root-sampler');
  const { LocalRootTracker } = require('./local-root-tracker') as typeof import('./local-root-tracker');
  const { setLocalRootResolver } = require('./trace-context') as typeof import('./trace-context');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const service = env.OTEL_SERVICE_NAME ?? defaultService;
  const roots = new LocalRootTracker();
  setLocalRootResolver(roots.rootOf);
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '');
  const exporter = testExporter ?? new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    sampler: rootSampler(env.OTEL_TRACES_SAMPLER_ARG),
    spanProcessors: [roots, new ScrubbingSpanProcessor(new BatchSpanProcessor(exporter, { scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY }))],
  });
  // W3C trace context is the default propagator: inbound traceparent headers continue a caller's trace.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => PROBE_PATH.test(req.url ?? ''),
        // Our own exports and the OTLP receiver would trace themselves in a loop.
        ignoreOutgoingRequestHook: (req) => (req.path ?? '').startsWith('/v1/traces'),
      }),
      // The route's handler span only: a span per middleware and router layer cost throughput and told nothing.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // Database and Redis calls are traced only inside work that is traced (no root spans from
      // pollers), and pool check-outs are not spans of their own (the query span holds the time).
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      // The command name only: arguments hold keys and job payloads (error messages among them).
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
    ],
  });
  api.diag.setLogger({ error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined });
  return { shutdown: () => provider.shutdown(), forceFlush: () => provider.forceFlush() };
}
