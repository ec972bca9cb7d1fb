import { randomUUID } from 'node:crypto';
import { findLeadByKeys, insertLead, lockLeadKeys, nextRoutingSlot, raiseAttention, tagEventEntity, transaction, upsertContact } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { PermanentError } from '@switchyard/errors';
import { recordPlans, type EventHandlerContext } from '@switchyard/worker-runtime';
import { digits, leadKeys, pickOwner, planLeadEffects, routeLead, unsentMessageAttention, type UnsentMessage } from '@switchyard/planning';
import type { SettingsHolder } from '@switchyard/outbound';

/**
 * Workflow 7: a lead is deduplicated by email or phone (the first submission keeps its owner),
 * routed by the form's rules (round-robin among the rule's owners), upserted into the CRM and
 * welcomed on WhatsApp when it consented.
 */
export async function handleLeadSubmitted(event: CanonicalOf<'lead.submitted'>, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  const s = settings.current();
  const keys = leadKeys(event);
  // The first key (email before phone) is the one a new lead is stored under.
  const dedupKey = keys[0];
  if (dedupKey === undefined) throw new PermanentError(`lead from form ${event.formId} has neither an email nor a phone`, 'LEAD_WITHOUT_CONTACT');
  const form = s.forms[event.formId];
  await transaction(ctx.db, async (tx) => {
    // Serialize leads of the same person: concurrent submissions must not both pick an owner.
    await lockLeadKeys(tx, keys);
    const existing = await findLeadByKeys(tx, keys);
    let lead = existing;
    if (!lead) {
      const route = routeLead(s, form?.routing ?? 'default', { region: event.region, source: event.source });
      const owner = pickOwner(route.owners, await nextRoutingSlot(tx, route.ruleId));
      lead = (await insertLead(tx, { id: randomUUID(), formId: event.formId, dedupKey, email: event.email, phone: digits(event.phone), name: event.name, owner, fields: event.fields, eventId: ctx.eventId })).lead;
    }
    const phone = digits(event.phone);
    if (phone) await upsertContact(tx, { phone, ...(event.email ? { email: event.email } : {}), ...(event.name ? { name: event.name } : {}), consent: event.consent });
    await tagEventEntity(tx, { eventId: ctx.eventId, entityType: 'lead', entityKey: lead.dedup_key });
    const unsent: UnsentMessage[] = [];
    const planned = await recordPlans(tx, { eventId: ctx.eventId, plans: planLeadEffects(event, { id: lead.id, dedupKey: lead.dedup_key, owner: lead.owner }, s, unsent) });
    for (const u of unsent) await raiseAttention(tx, unsentMessageAttention(u, ctx.eventId));
    ctx.logger.info('lead handled', { lead: lead.id, owner: lead.owner, duplicate: !!existing, effects: planned.filter((p) => p.inserted).map((p) => p.kind) });
  });
}
