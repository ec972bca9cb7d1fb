export { bullmqTelemetry, flushTelemetry, registerTelemetry, shutdownTelemetry, telemetryEnabled } from './register-telemetry';
export { annotateActiveSpan, contextFromTraceparent, currentTraceparent, linkTo, withSpan } from './trace-context';
export type { SpanOptions } from './trace-context';
export { scrubAttribute, scrubAttributes } from './scrub-attributes';
export { isTraceRoot } from './trace-root';
export { loadTelemetryEnv, telemetryEnvSchema } from './env';
export type { TelemetryEnv } from './env';
export { jobTelemetryOptions, startProducerSpan, traceparentOfJobData } from './job-telemetry';
export type { JobTelemetryOptions, ProducerSpan } from './job-telemetry';
