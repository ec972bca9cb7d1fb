import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';

/** The tracer of our own spans (domain apply, effect perform, relay, re-drive). */
const tracer = () => trace.getTracer('switchyard');

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C traceparent of the span active now, or null when none is (tracing off, or outside any
 * span). Stored with events, effects and job data so a trace survives the process boundary.
 */
export function currentTraceparent(): string | null {
  const span = trace.getActiveSpan();
  if (!span) return null;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return null;
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A context whose parent is the (remote) span a stored traceparent names; ROOT_CONTEXT when it is missing or malformed. */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!m) return ROOT_CONTEXT;
  const spanContext = { traceId: m[1] as string, spanId: m[2] as string, traceFlags: parseInt(m[3] as string, 16) & TraceFlags.SAMPLED, isRemote: true };
  return trace.isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
}

/** A span link to the trace a stored traceparent names (a re-drive points back at the original work). */
export function linkTo(traceparent: string | null | undefined, attributes?: Attributes): Link[] {
  const spanContext = trace.getSpanContext(contextFromTraceparent(traceparent));
  return spanContext ? [{ context: spanContext, ...(attributes ? { attributes } : {}) }] : [];
}

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Continue this stored trace instead of the active context. */
  parent?: string | null;
  /** Start a new trace that points at these (re-drives). */
  links?: Link[];
}

/**
 * Runs `fn` inside a span of our own; the span ends with `fn` and records its error. With tracing
 * off the API hands out a no-op span, so this costs a closure and nothing else.
 */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent !== undefined ? contextFromTraceparent(options.parent) : context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The first span of this process above a span (the request's SERVER span, the job's CONSUMER span); set by the SDK when tracing is on. */
let localRootOf: (span: Span) => Span | undefined = () => undefined;

export function setLocalRootResolver(resolve: (span: Span) => Span | undefined): void {
  localRootOf = resolve;
}

/**
 * Adds attributes to the span active now and to its local root (the request's SERVER span, the
 * job's consumer span), so a trace can be found by event id from its first span in each process.
 */
export function annotateActiveSpan(attributes: Attributes): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttributes(attributes);
  const root = localRootOf(span);
  if (root && root !== span) root.setAttributes(attributes);
}

/**
 * Links the active span to the trace a stored traceparent names: later work about the same thing
 * (the status webhook confirming a send) points back at the trace that did it.
 */
export function linkActiveSpanTo(traceparent: string | null | undefined, attributes?: Attributes): void {
  const links = linkTo(traceparent, attributes);
  if (links.length) trace.getActiveSpan()?.addLinks(links);
}
