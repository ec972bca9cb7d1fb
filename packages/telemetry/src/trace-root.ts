import { SpanKind, type Attributes } from '@opentelemetry/api';

/**
 * Which spans may start a trace: a request that came in (SERVER), a job that carries no trace of
 * its own (CONSUMER), or one of our own spans (they carry switchyard.* attributes). Pollers'
 * housekeeping (BullMQ's getNextJob and stall checks, relay queries) starts no trace of its own.
 */
export function isTraceRoot(kind: SpanKind, attributes: Attributes): boolean {
  if (kind === SpanKind.SERVER || kind === SpanKind.CONSUMER) return true;
  return Object.keys(attributes).some((k) => k.startsWith('switchyard.'));
}
