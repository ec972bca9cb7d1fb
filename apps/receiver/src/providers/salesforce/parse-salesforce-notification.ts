import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';
import type { SalesforceNotification } from './read-outbound-message';

function timeOf(fields: Record<string, string | null>): Date | null {
  const value = fields.LastModifiedDate ?? fields.SystemModstamp;
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

function nameOf(f: Record<string, string | null>): string | undefined {
  return f.Name ?? ([f.FirstName, f.LastName].filter(Boolean).join(' ') || undefined);
}

function objectIdOf(n: SalesforceNotification): string {
  const id = n.sObject.Id;
  if (!id) throw new Error(`${n.sObjectType} notification ${n.notificationId} has no sObject Id`);
  return id;
}

/**
 * Opportunity with StageName → deal.stage_changed (opportunity); Lead with Status →
 * deal.stage_changed (lead); Contact → contact.updated. Outbound messages carry the current values
 * only, so the old stage is null. Other sObjects, and the ones above without the field, are ignored.
 */
export function parseSalesforceNotification(n: SalesforceNotification, ctx: ParseContext): ParsedEvent {
  const f = n.sObject;
  const occurredAt = timeOf(f);
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId, occurredAt: (occurredAt ?? new Date()).toISOString() };
  let canonical: CanonicalEvent | null = null;
  if (n.sObjectType === 'Opportunity' && f.StageName) {
    // ContactId is the opportunity's primary contact, when the outbound message is configured to send it.
    canonical = { ...base, type: 'deal.stage_changed', objectType: 'opportunity', objectId: objectIdOf(n), oldStage: null, newStage: f.StageName, contact: f.ContactId ? { id: f.ContactId } : {} };
  } else if (n.sObjectType === 'Lead' && f.Status) {
    canonical = { ...base, type: 'deal.stage_changed', objectType: 'lead', objectId: objectIdOf(n), oldStage: null, newStage: f.Status, contact: { email: f.Email ?? undefined, phone: f.Phone ?? f.MobilePhone ?? undefined, name: nameOf(f) } };
  } else if (n.sObjectType === 'Contact') {
    const { Id: _id, ...properties } = f;
    canonical = { ...base, type: 'contact.updated', contactId: objectIdOf(n), email: f.Email ?? undefined, phone: f.Phone ?? f.MobilePhone ?? undefined, name: nameOf(f), properties };
  }
  return { type: n.sObjectType, occurredAt, canonical };
}
