import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { scrubAttributes } from './scrub-attributes';

/**
 * Sits in front of the exporting processor: every ended span loses secrets and personal data from
 * its attributes, its events' attributes (exception messages) and its links' attributes before
 * anything is queued for export. Instrumentations we do not own decide what they record; this is
 * the one place that decides what leaves the process.
 */
export class ScrubbingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    scrubAttributes(span.attributes);
    for (const event of span.events) if (event.attributes) scrubAttributes(event.attributes);
    for (const link of span.links) if (link.attributes) scrubAttributes(link.attributes);
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
