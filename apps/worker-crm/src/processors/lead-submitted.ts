import { randomUUID } from 'node:crypto';
import { findLeadByKeys, insertLead, legacySql, nextRoutingSlot, raiseAttention, tagEventEntity, transaction, upsertContact } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { PermanentError } from '@switchyard/errors';
import type { EventHandlerContext } from '@switchyard/worker-runtime';
import { digits, leadKeys, pickOwner, planLeadEffects, recordPlans, routeLead, unsentMessageAttention, type SettingsHolder, type UnsentMessage } from '@switchyard/workflows';

/**
 * Workflow 7: a lead is deduplicated by email or phone (the first submission keeps its owner),
 * routed by the form's rules (round-robin among the rule's owners), upserted into the CRM and
 * welcomed on WhatsApp when it consented.
 */
export async function processLeadSubmitted(event: CanonicalOf<'lead.submitted'>, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  const s = settings.current();
  const keys = leadKeys(event);
  if (keys.length === 0) throw new PermanentError(`lead from form ${event.formId} has neither an email nor a phone`, 'LEAD_WITHOUT_CONTACT');
  const form = s.forms[event.formId];
  await transaction(ctx.database, async (tx) => {
    const raw = legacySql(tx);
    // Serialize leads of the same person: concurrent submissions must not both pick an owner.
    for (const key of [...keys].sort()) await raw.$queryRawUnsafe(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) l`, key);
    const existing = await findLeadByKeys(raw, keys);
    let lead = existing;
    if (!lead) {
      const route = routeLead(s, form?.routing ?? 'default', { region: event.region, source: event.source });
      const owner = pickOwner(route.owners, await nextRoutingSlot(raw, route.ruleId));
      lead = (await insertLead(raw, { id: randomUUID(), formId: event.formId, dedupKey: keys[0]!, email: event.email, phone: digits(event.phone), name: event.name, owner, fields: event.fields, eventId: ctx.eventId })).lead;
    }
    const phone = digits(event.phone);
    if (phone) await upsertContact(raw, { phone, ...(event.email ? { email: event.email } : {}), ...(event.name ? { name: event.name } : {}), consent: event.consent });
    await tagEventEntity(tx, { eventId: ctx.eventId, entityType: 'lead', entityKey: lead.dedupKey });
    const unsent: UnsentMessage[] = [];
    const planned = await recordPlans(tx, { eventId: ctx.eventId, plans: planLeadEffects(event, lead, s, unsent) });
    for (const u of unsent) await raiseAttention(tx, unsentMessageAttention(u, ctx.eventId));
    ctx.logger.info('lead handled', { lead: lead.id, owner: lead.owner, duplicate: !!existing, effects: planned.filter((p) => p.inserted).map((p) => p.kind) });
  });
}
