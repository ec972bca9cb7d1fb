import { randomUUID } from 'node:crypto';
import type { NewInboundEvent, RecordedEvent } from '@switchyard/db';
import { routeEvent } from '@switchyard/domain';
import { safeHeaders } from '@switchyard/logger';
import { eventJobId, processEventJob } from '@switchyard/queues';
import { annotateActiveSpan, currentTraceparent } from '@switchyard/telemetry';
import type { AnyProviderAdapter, ConnectionConfig, InboundRequest } from '../providers/provider-adapter';
import { readEvents, type ReadEvent } from './read-events';

export interface IngestDeps {
  /** Stores a delivery's events and answers once they are committed (group-committed: createInboundEventRecorder). */
  recordEvents: (events: NewInboundEvent[]) => Promise<RecordedEvent[]>;
  now: () => Date;
}

export interface IngestResult {
  events: RecordedEvent[];
  /** The new events this delivery stored, as read (their API version, whether they mapped). */
  stored: ReadEvent[];
}

/** Attention items about events that could not be mapped: one per stored event. */
export const UNMAPPED_ATTENTION_KIND = 'unmapped_event';

function toInboundEvent(e: ReadEvent, provider: string, connection: string, headers: Record<string, string>, traceContext: string | null): NewInboundEvent {
  const id = randomUUID();
  const queue = e.canonical ? routeEvent(e.canonical) : null;
  return {
    id,
    provider,
    connection,
    providerEventId: e.providerEventId,
    type: e.type,
    canonicalType: e.canonical?.type ?? null,
    queue,
    status: e.unmappedReason !== null ? 'unmapped' : queue ? 'received' : 'ignored',
    payload: e.payload,
    canonical: e.canonical,
    headers,
    occurredAt: e.occurredAt,
    lastError: e.unmappedReason,
    traceContext,
    outbox: queue ? { queue, jobName: processEventJob[queue], jobId: eventJobId(queue, id), data: traceContext ? { eventId: id, traceparent: traceContext } : { eventId: id } } : null,
    attention: e.unmappedReason !== null ? { id: randomUUID(), kind: UNMAPPED_ATTENTION_KIND, entityType: 'inbound_event', entityKey: `${provider}:${connection}:${e.providerEventId}`, summary: e.unmappedReason } : null,
  };
}

/**
 * The fixed order: verify → parse → store every event and its outbox entry in ONE statement →
 * answer. Concurrent deliveries share that statement and its commit (group commit); each is answered
 * only after the commit that holds its rows. Enqueueing is the relay's job after the commit, so Redis can never fail or slow this.
 * An event that does not map cleanly is stored too (as `unmapped`, with an attention item in the
 * same statement): the provider's copy is all there is, and a 4xx would only make it retry and give up.
 */
export async function receiveWebhook(deps: IngestDeps, adapter: AnyProviderAdapter, connection: ConnectionConfig, request: InboundRequest): Promise<IngestResult> {
  await adapter.verify(request, connection, deps.now());
  const headers = safeHeaders(request.headers);
  const read = readEvents(adapter, connection, request);
  // The request's trace is stored with each event: the worker that applies it continues it.
  const traceContext = currentTraceparent();
  const events = await deps.recordEvents(read.map((e) => toInboundEvent(e, adapter.provider, connection.name, headers, traceContext)));
  annotateActiveSpan({ 'switchyard.provider': adapter.provider, 'switchyard.event_type': read.map((e) => e.type), 'switchyard.event_id': events.map((e) => e.id) });
  const inserted = new Set(events.filter((e) => e.inserted).map((e) => e.providerEventId));
  return { events, stored: read.filter((e) => inserted.has(e.providerEventId)) };
}
