import { canonicalEvent } from '@switchyard/domain';
import { z } from 'zod';
import type { ConnectionConfig, InboundRequest, ParseContext, ParsedEvent, ProviderAdapter } from '../providers/provider-adapter';
import { WebhookRejection } from '../providers/webhook-rejection';

export interface ReadEvent extends ParsedEvent {
  providerEventId: string;
  /** Exactly what the provider sent for this event. */
  payload: unknown;
  /** Why the event could not be mapped to a valid canonical event (then `canonical` is null); null when it could. */
  unmappedReason: string | null;
  /** The provider API version the event says it was sent with, when the adapter reads one. */
  apiVersion: string | null;
  /** True when `apiVersion` is not one the adapter states it understands. */
  unknownApiVersion: boolean;
}

/** Field paths and zod's messages only: the values may be personal data. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

function schemaIssues(canonical: unknown): string | null {
  const checked = canonicalEvent.safeParse(canonical);
  return checked.success ? null : describeIssues(checked.error);
}

/**
 * Maps one event, and checks the result against the canonical schema: an event we would act on
 * either maps cleanly or carries the reason it does not. It is never silently accepted broken.
 */
function mapEvent<C extends ConnectionConfig, E>(adapter: ProviderAdapter<C, E>, event: E, ctx: ParseContext, connection: C): { parsed: ParsedEvent; reason: string | null } {
  let parsed: ParsedEvent;
  try {
    parsed = adapter.parse(event, ctx, connection);
  } catch (err) {
    if (err instanceof WebhookRejection) throw err;
    return { parsed: { type: adapter.typeOf(event), occurredAt: null, canonical: null }, reason: err instanceof z.ZodError ? describeIssues(err) : (err as Error).message };
  }
  if (parsed.canonical === null) return { parsed, reason: null };
  const issues = schemaIssues(parsed.canonical);
  if (issues === null) return { parsed, reason: null };
  return { parsed: { ...parsed, canonical: null }, reason: `the ${parsed.canonical.type} it maps to is invalid: ${issues}` };
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
    const apiVersion = adapter.apiVersions?.of(event, request, connection) ?? null;
    const unknownApiVersion = apiVersion !== null && !adapter.apiVersions?.known.includes(apiVersion);
    const { parsed, reason } = mapEvent(adapter, event, ctx, connection);
    const versionNote = unknownApiVersion ? ` (sent with ${adapter.provider} API version ${apiVersion}, which this adapter does not know; it knows ${adapter.apiVersions?.known.join(', ')})` : '';
    const unmappedReason = reason === null ? null : `${adapter.provider} ${parsed.type} event ${providerEventId} could not be mapped: ${reason}${versionNote}`;
    byId.set(providerEventId, { ...parsed, providerEventId, payload, unmappedReason, apiVersion, unknownApiVersion });
  }
  return [...byId.values()];
}
