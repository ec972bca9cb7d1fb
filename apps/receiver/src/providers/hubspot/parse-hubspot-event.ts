import { z } from 'zod';
import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';

const idLike = z.union([z.number(), z.string().min(1)]);

/** One element of HubSpot's batch; unknown fields are kept (the stored payload is the original). */
export const hubspotEvent = z.looseObject({
  eventId: idLike,
  subscriptionType: z.string().min(1),
  occurredAt: z.number().optional(),
  objectId: idLike.optional(),
  /** Developer-platform subscriptions (`object.propertyChange`) name the object type by id. */
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.unknown().optional(),
});
export type HubspotEvent = z.infer<typeof hubspotEvent>;

/** HubSpot's standard object type ids, for the generic `object.*` subscriptions. */
const objectTypeNames: Record<string, string> = { '0-1': 'contact', '0-3': 'deal' };

/** `object.propertyChange` with objectTypeId 0-3 means the same as `deal.propertyChange`. */
function subscriptionOf(event: HubspotEvent): string {
  const [scope, action] = event.subscriptionType.split('.', 2);
  if (scope === 'object' && action && event.objectTypeId && objectTypeNames[event.objectTypeId]) return `${objectTypeNames[event.objectTypeId]}.${action}`;
  return event.subscriptionType;
}

const mapped = z.object({ objectId: idLike });
const withValue = z.object({ objectId: idLike, propertyName: z.string(), propertyValue: z.union([z.string(), z.number()]) });

/**
 * contact.creation → contact.created; contact.propertyChange → contact.updated (the one changed
 * property); deal.propertyChange of `dealstage` → deal.stage_changed (HubSpot does not send the
 * previous stage). deal.creation, other deal properties, deletions, merges, associations and every
 * other object are stored as ignored.
 */
export function parseHubspotEvent(event: HubspotEvent, ctx: ParseContext): ParsedEvent {
  const occurredAt = event.occurredAt !== undefined ? new Date(event.occurredAt) : null;
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId, occurredAt: (occurredAt ?? new Date()).toISOString() };
  let canonical: CanonicalEvent | null = null;
  switch (subscriptionOf(event)) {
    case 'contact.creation': {
      const e = mapped.parse(event);
      canonical = { ...base, type: 'contact.created', contactId: String(e.objectId), properties: {} };
      break;
    }
    case 'contact.propertyChange': {
      const e = withValue.parse(event);
      const value = String(e.propertyValue);
      canonical = {
        ...base,
        type: 'contact.updated',
        contactId: String(e.objectId),
        email: e.propertyName === 'email' ? value : undefined,
        phone: e.propertyName === 'phone' || e.propertyName === 'mobilephone' ? value : undefined,
        properties: { [e.propertyName]: e.propertyValue },
      };
      break;
    }
    case 'deal.propertyChange': {
      if (event.propertyName !== 'dealstage') break;
      const e = withValue.parse(event);
      canonical = { ...base, type: 'deal.stage_changed', objectType: 'deal', objectId: String(e.objectId), oldStage: null, newStage: String(e.propertyValue), contact: {} };
      break;
    }
  }
  return { type: event.subscriptionType, occurredAt, canonical };
}
