import { trace, type Context, type Span } from '@opentelemetry/api';
import type { ReadableSpan, Span as SdkSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Remembers, for each span started in this process, the first span above it in this process (its
 * local root: the request's SERVER span, a job's CONSUMER span), so annotateActiveSpan can put the
 * event id where a search starts. Entries are weak: ended spans go with their objects.
 */
export class LocalRootTracker implements SpanProcessor {
  private readonly roots = new WeakMap<Span, Span>();

  rootOf = (span: Span): Span | undefined => this.roots.get(span);

  onStart(span: SdkSpan, parentContext: Context): void {
    const parent = trace.getSpan(parentContext);
    const local = parent && !parent.spanContext().isRemote ? (this.roots.get(parent) ?? parent) : span;
    this.roots.set(span, local);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
