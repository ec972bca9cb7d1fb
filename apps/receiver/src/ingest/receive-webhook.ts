import { randomUUID } from 'node:crypto';
import { recordInboundEvents, type NewInboundEvent, type Pool, type RecordedEvent } from '@switchyard/db';
import { routeEvent } from '@switchyard/domain';
import { safeHeaders } from '@switchyard/logger';
import { eventJobId, processEventJob } from '@switchyard/queues';
import type { AnyProviderAdapter, ConnectionConfig, InboundRequest } from '../providers/provider-adapter';
import { WebhookRejection } from '../providers/webhook-rejection';

export interface IngestDeps {
  pool: Pool;
  now: () => Date;
}

export interface IngestResult {
  events: RecordedEvent[];
}

/**
 * The fixed order: verify → parse → store every event and its outbox entry in ONE statement →
 * answer. Enqueueing is the relay's job after the commit, so Redis can never fail or slow this.
 */
export async function receiveWebhook(deps: IngestDeps, adapter: AnyProviderAdapter, connection: ConnectionConfig, request: InboundRequest): Promise<IngestResult> {
  await adapter.verify(request, connection, deps.now());
  const items = adapter.split(request, connection);
  const headers = safeHeaders(request.headers);
  const byId = new Map<string, NewInboundEvent>();
  for (const item of items) {
    const providerEventId = adapter.identify(item, request);
    if (!providerEventId) throw new WebhookRejection('malformed_body', `${adapter.provider} event has no id`);
    // The same event twice in one batch counts once; ON CONFLICT cannot touch a row twice.
    if (byId.has(providerEventId)) continue;
    const ctx = { provider: adapter.provider, connection: connection.name, providerEventId, request };
    let parsed;
    try {
      parsed = adapter.parse(item, ctx, connection);
    } catch (err) {
      throw err instanceof WebhookRejection ? err : new WebhookRejection('malformed_body', `${adapter.provider} event ${providerEventId} is malformed: ${(err as Error).message}`);
    }
    const id = randomUUID();
    const queue = parsed.canonical ? routeEvent(parsed.canonical) : null;
    byId.set(providerEventId, {
      id,
      provider: adapter.provider,
      connection: connection.name,
      providerEventId,
      type: parsed.type,
      canonicalType: parsed.canonical?.type ?? null,
      queue,
      status: queue ? 'received' : 'ignored',
      payload: item,
      canonical: parsed.canonical,
      headers,
      occurredAt: parsed.occurredAt,
      outbox: queue ? { queue, jobName: processEventJob[queue], jobId: eventJobId(queue, id), data: { eventId: id } } : null,
    });
  }
  return { events: await recordInboundEvents(deps.pool, [...byId.values()]) };
}
