import { randomUUID } from 'node:crypto';
import { recordInboundEvents, type NewInboundEvent, type Pool, type RecordedEvent } from '@switchyard/db';
import { routeEvent } from '@switchyard/domain';
import { safeHeaders } from '@switchyard/logger';
import { eventJobId, processEventJob } from '@switchyard/queues';
import type { AnyProviderAdapter, ConnectionConfig, InboundRequest } from '../providers/provider-adapter';
import { readEvents, type ReadEvent } from './read-events';

export interface IngestDeps {
  pool: Pool;
  now: () => Date;
}

export interface IngestResult {
  events: RecordedEvent[];
}

function toInboundEvent(e: ReadEvent, provider: string, connection: string, headers: Record<string, string>): NewInboundEvent {
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
    status: queue ? 'received' : 'ignored',
    payload: e.payload,
    canonical: e.canonical,
    headers,
    occurredAt: e.occurredAt,
    outbox: queue ? { queue, jobName: processEventJob[queue], jobId: eventJobId(queue, id), data: { eventId: id } } : null,
  };
}

/**
 * The fixed order: verify → parse → store every event and its outbox entry in ONE statement →
 * answer. Enqueueing is the relay's job after the commit, so Redis can never fail or slow this.
 */
export async function receiveWebhook(deps: IngestDeps, adapter: AnyProviderAdapter, connection: ConnectionConfig, request: InboundRequest): Promise<IngestResult> {
  await adapter.verify(request, connection, deps.now());
  const headers = safeHeaders(request.headers);
  const events = readEvents(adapter, connection, request).map((e) => toInboundEvent(e, adapter.provider, connection.name, headers));
  return { events: await recordInboundEvents(deps.pool, events) };
}
