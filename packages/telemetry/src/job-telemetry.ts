import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Span } from '@opentelemetry/api';
import { telemetryEnabled } from './register-telemetry';
import { contextFromTraceparent, currentTraceparent } from './trace-context';

/** BullMQ's per-job telemetry options (JobsOptions['telemetry']). */
export interface JobTelemetryOptions {
  telemetry?: { metadata?: string; omitContext?: boolean };
}

/**
 * The job options that make BullMQ's consumer span (bullmq-otel, `process <queue>`) a child of
 * `traceparent`: the metadata is what bullmq-otel's context manager reads (a propagation carrier
 * as JSON). A job without a trace starts its own (omitContext) instead of hanging off the
 * relay's batch. Nothing at all while tracing is off, so jobs carry no extra bytes.
 */
export function jobTelemetryOptions(traceparent: string | null | undefined): JobTelemetryOptions {
  if (!telemetryEnabled()) return {};
  return traceparent ? { telemetry: { metadata: JSON.stringify({ traceparent }) } } : { telemetry: { omitContext: true } };
}

/** The traceparent a job's data carries (job data of the registry: `{ eventId | effectId, traceparent? }`). */
export function traceparentOfJobData(data: unknown): string | null {
  const tp = data && typeof data === 'object' ? (data as { traceparent?: unknown }).traceparent : undefined;
  return typeof tp === 'string' ? tp : null;
}

export interface ProducerSpan {
  /** The span's traceparent, to hand to the job (null when tracing is off or the work has no trace). */
  traceparent: string | null;
  end(error?: Error): void;
}

/**
 * A PRODUCER span continuing the stored trace of one piece of work as it is handed to the queue
 * (the outbox relay's enqueue). Work without a stored trace gets no span: the relay's polling
 * must not start traces of its own.
 */
export function startProducerSpan(name: string, parent: string | null, attributes: Attributes): ProducerSpan {
  if (!parent || !telemetryEnabled()) return { traceparent: parent, end: () => undefined };
  const parentContext = contextFromTraceparent(parent);
  const span: Span = trace.getTracer('switchyard').startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parentContext);
  return {
    traceparent: context.with(trace.setSpan(parentContext, span), currentTraceparent),
    end: (error) => {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end();
    },
  };
}
