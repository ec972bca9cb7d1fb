import { sql } from 'kysely';
import type { Db } from '../database';
import { EffectStatus } from '../generated/kysely/enums';

// Where a CRM stage notification's recipient is found in our own records (see the crm worker's
// find-stage-recipient.ts for the order and the reasons). Each returns a phone as stored, or null.

/** The customer of a deal we created ourselves (a lead's or a payment's), found by the CRM id our effect got back. */
export async function findPhoneOfOurDeal(db: Db, input: { provider: string; objectId: string }): Promise<string | null> {
  const { rows } = await sql<{ phone: string | null }>`SELECT coalesce(e.request->'contact'->>'phone', p.customer->>'phone') AS phone
       FROM effects e LEFT JOIN payments p ON e.kind = 'crm.deal.sync' AND p.key = e.request->>'paymentKey'
      WHERE e.provider = ${input.provider} AND e.provider_ref = ${input.objectId} AND e.kind IN ('crm.lead.upsert', 'crm.deal.sync') AND e.status = ${EffectStatus.done}::"EffectStatus"
      ORDER BY e.done_at DESC LIMIT 1`.execute(db);
  return rows[0]?.phone ?? null;
}

/** The person behind a CRM contact id: a contact we upserted, or one the CRM's own contact webhook told us about. */
export async function findPhoneOfCrmContact(db: Db, input: { provider: string; contactId: string }): Promise<string | null> {
  const { rows } = await sql<{ phone: string | null }>`SELECT phone FROM (
         SELECT request->>'phone' AS phone, done_at AS at FROM effects
          WHERE provider = ${input.provider} AND provider_ref = ${input.contactId} AND kind = 'crm.contact.upsert' AND status = ${EffectStatus.done}::"EffectStatus"
         UNION ALL
         SELECT canonical->>'phone' AS phone, occurred_at AS at FROM inbound_events
          WHERE provider = ${input.provider} AND canonical_type IN ('contact.created', 'contact.updated') AND canonical->>'contactId' = ${input.contactId}
       ) known WHERE phone IS NOT NULL ORDER BY at DESC NULLS LAST LIMIT 1`.execute(db);
  return rows[0]?.phone ?? null;
}

/** The most recently updated contact with this email (case-insensitive). */
export async function findPhoneByEmail(db: Db, email: string): Promise<string | null> {
  const row = await db
    .selectFrom('contacts')
    .select('phone')
    .where(sql<string>`lower(email)`, '=', sql<string>`lower(${email})`)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.phone ?? null;
}
