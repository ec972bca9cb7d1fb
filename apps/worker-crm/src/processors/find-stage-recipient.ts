import type { Sql } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { digits, type StageRecipient } from '@switchyard/workflows';

type StageEvent = CanonicalOf<'deal.stage_changed'>;

/**
 * Who a stage notification goes to when the CRM's webhook does not say (HubSpot and Salesforce
 * opportunities carry no contact, Pipedrive only the person id). Answered from our own records,
 * in this order: a deal we created ourselves (a lead's or a payment's, found by the CRM id our
 * effect got back), the person behind the CRM's contact id (a contact we upserted, or one the
 * CRM's own contact webhook told us about), then the event's email among our contacts.
 *
 * Our records rather than a CRM read: no extra call against the CRM's rate limit, it works while
 * the CRM is down, and consent and opt-outs are ours (keyed by phone) anyway, so a person we have
 * never heard of could not be messaged even if the CRM knew their phone.
 */
export async function findStageRecipient(db: Sql, event: StageEvent): Promise<(StageRecipient & { via: string }) | null> {
  const ours = await db.$queryRawUnsafe<{ phone: string | null }[]>(
    `SELECT coalesce(e.request->'contact'->>'phone', p.customer->>'phone') AS phone
       FROM effects e LEFT JOIN payments p ON e.kind = 'crm.deal.sync' AND p.key = e.request->>'paymentKey'
      WHERE e.provider = $1 AND e.provider_ref = $2 AND e.kind IN ('crm.lead.upsert', 'crm.deal.sync') AND e.status = 'done'
      ORDER BY e.done_at DESC LIMIT 1`,
    event.provider,
    event.objectId,
  );
  let found = pick(ours[0]?.phone, 'deal we created');
  if (!found && event.contact.id) {
    const byContactId = await db.$queryRawUnsafe<{ phone: string | null }[]>(
      `SELECT phone FROM (
         SELECT request->>'phone' AS phone, done_at AS at FROM effects
          WHERE provider = $1 AND provider_ref = $2 AND kind = 'crm.contact.upsert' AND status = 'done'
         UNION ALL
         SELECT canonical->>'phone' AS phone, occurred_at AS at FROM inbound_events
          WHERE provider = $1 AND canonical_type IN ('contact.created', 'contact.updated') AND canonical->>'contactId' = $2
       ) known WHERE phone IS NOT NULL ORDER BY at DESC NULLS LAST LIMIT 1`,
      event.provider,
      event.contact.id,
    );
    found = pick(byContactId[0]?.phone, 'CRM contact id');
  }
  if (!found && event.contact.email) {
    const byEmail = await db.$queryRawUnsafe<{ phone: string }[]>(`SELECT phone FROM contacts WHERE lower(email) = lower($1) ORDER BY updated_at DESC LIMIT 1`, event.contact.email);
    found = pick(byEmail[0]?.phone, 'email');
  }
  if (!found) return null;
  const contact = await db.$queryRawUnsafe<{ name: string | null; email: string | null }[]>(`SELECT name, email FROM contacts WHERE phone = $1`, found.phone);
  return { ...found, ...(contact[0]?.name ? { name: contact[0].name } : {}), ...(contact[0]?.email ? { email: contact[0].email } : {}) };
}

function pick(phone: string | null | undefined, via: string): { phone: string; via: string } | null {
  const d = digits(phone);
  return d ? { phone: d, via } : null;
}
