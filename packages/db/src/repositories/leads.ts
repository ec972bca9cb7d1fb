import { sql, type Selectable } from 'kysely';
import type { Db } from '../database';
import type { Lead } from '../generated/kysely/types';

export type LeadRecord = Pick<Selectable<Lead>, 'id' | 'form_id' | 'dedup_key' | 'email' | 'phone' | 'name' | 'owner'>;

const LEAD_COLUMNS = ['id', 'form_id', 'dedup_key', 'email', 'phone', 'name', 'owner'] as const;

/**
 * Serializes the caller's transaction with every other one that handles the same person (any of
 * their dedup keys): concurrent submissions must not both pick an owner. Locks in sorted order, so
 * two transactions locking overlapping keys cannot deadlock.
 */
export async function lockLeadKeys(db: Db, keys: string[]): Promise<void> {
  for (const key of [...keys].sort()) await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}

/** Stores a lead unless one with the same email or phone exists; returns the lead that holds the key. */
export async function insertLead(
  db: Db,
  lead: { id: string; formId: string; dedupKey: string; email?: string; phone?: string; name?: string; owner: string; fields: unknown; eventId: string },
): Promise<{ lead: LeadRecord; inserted: boolean }> {
  const inserted = await db
    .insertInto('leads')
    .values({
      id: lead.id,
      form_id: lead.formId,
      dedup_key: lead.dedupKey,
      email: lead.email ?? null,
      phone: lead.phone ?? null,
      name: lead.name ?? null,
      owner: lead.owner,
      fields: JSON.stringify(lead.fields ?? {}),
      event_id: lead.eventId,
    })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning('id')
    .execute();
  const row = await db.selectFrom('leads').select(LEAD_COLUMNS).where('dedup_key', '=', lead.dedupKey).executeTakeFirstOrThrow();
  return { lead: row, inserted: inserted.length > 0 };
}

/** The first lead holding any of the dedup keys (or the email or phone they name). */
export async function findLeadByKeys(db: Db, keys: string[]): Promise<LeadRecord | null> {
  if (keys.length === 0) return null;
  const email = keys.find((k) => k.startsWith('email:'))?.slice(6);
  const phone = keys.find((k) => k.startsWith('phone:'))?.slice(6);
  const row = await db
    .selectFrom('leads')
    .select(LEAD_COLUMNS)
    .where((eb) => eb.or([eb('dedup_key', 'in', keys), ...(email ? [eb('email', '=', email)] : []), ...(phone ? [eb('phone', '=', phone)] : [])]))
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** Takes the next round-robin slot of a routing rule (atomic across replicas). */
export async function nextRoutingSlot(db: Db, ruleId: string): Promise<number> {
  const row = await db
    .insertInto('routing_cursors')
    .values({ rule_id: ruleId, next: 1 })
    .onConflict((oc) => oc.column('rule_id').doUpdateSet({ next: sql`routing_cursors.next + 1` }))
    .returning(sql<number>`next - 1`.as('slot'))
    .executeTakeFirstOrThrow();
  return Number(row.slot);
}
