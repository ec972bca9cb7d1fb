import type { ConnectionConfig, InboundRequest, ParsedEvent, ProviderAdapter } from '../providers/provider-adapter';
import { WebhookRejection } from '../providers/webhook-rejection';

export interface ReadEvent extends ParsedEvent {
  providerEventId: string;
  /** Exactly what the provider sent for this event. */
  payload: unknown;
}

/**
 * A verified delivery's events: split → identify → parse, the same event twice in one batch
 * counted once. Pure, so adapter tests run exactly what the receiver runs.
 */
export function readEvents<C extends ConnectionConfig, E>(adapter: ProviderAdapter<C, E>, connection: C, request: InboundRequest): ReadEvent[] {
  const byId = new Map<string, ReadEvent>();
  for (const { payload, event } of adapter.split(request, connection)) {
    const providerEventId = adapter.identify(event, request);
    if (!providerEventId) throw new WebhookRejection('malformed_body', `${adapter.provider} event has no id`);
    if (byId.has(providerEventId)) continue;
    const ctx = { provider: adapter.provider, connection: connection.name, providerEventId, request };
    let parsed: ParsedEvent;
    try {
      parsed = adapter.parse(event, ctx, connection);
    } catch (err) {
      throw err instanceof WebhookRejection ? err : new WebhookRejection('malformed_body', `${adapter.provider} event ${providerEventId} is malformed: ${(err as Error).message}`);
    }
    byId.set(providerEventId, { ...parsed, providerEventId, payload });
  }
  return [...byId.values()];
}
