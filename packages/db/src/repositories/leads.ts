import type { Sql } from '../transaction';

export interface LeadRow {
  id: string;
  formId: string;
  dedupKey: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  owner: string;
}

/** Stores a lead unless one with the same email or phone exists; returns the lead that holds the key. */
export async function insertLead(
  db: Sql,
  lead: { id: string; formId: string; dedupKey: string; email?: string; phone?: string; name?: string; owner: string; fields: unknown; eventId: string },
): Promise<{ lead: LeadRow; inserted: boolean }> {
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO leads (id, form_id, dedup_key, email, phone, name, owner, fields, event_id) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::uuid)
     ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
    lead.id,
    lead.formId,
    lead.dedupKey,
    lead.email ?? null,
    lead.phone ?? null,
    lead.name ?? null,
    lead.owner,
    JSON.stringify(lead.fields ?? {}),
    lead.eventId,
  );
  const rows = await db.$queryRawUnsafe<LeadRow[]>(
    `SELECT id, form_id AS "formId", dedup_key AS "dedupKey", email, phone, name, owner FROM leads WHERE dedup_key = $1`,
    lead.dedupKey,
  );
  return { lead: rows[0]!, inserted: inserted.length > 0 };
}

export async function findLeadByKeys(db: Sql, keys: string[]): Promise<LeadRow | null> {
  if (keys.length === 0) return null;
  const rows = await db.$queryRawUnsafe<LeadRow[]>(
    `SELECT id, form_id AS "formId", dedup_key AS "dedupKey", email, phone, name, owner FROM leads
     WHERE dedup_key = ANY($1::text[]) OR ($2::text IS NOT NULL AND email = $2) OR ($3::text IS NOT NULL AND phone = $3) ORDER BY created_at LIMIT 1`,
    keys,
    keys.find((k) => k.startsWith('email:'))?.slice(6) ?? null,
    keys.find((k) => k.startsWith('phone:'))?.slice(6) ?? null,
  );
  return rows[0] ?? null;
}

/** Takes the next round-robin slot of a routing rule (atomic across replicas). */
export async function nextRoutingSlot(db: Sql, ruleId: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ slot: number }[]>(
    `INSERT INTO routing_cursors (rule_id, next) VALUES ($1, 1) ON CONFLICT (rule_id) DO UPDATE SET next = routing_cursors.next + 1 RETURNING next - 1 AS slot`,
    ruleId,
  );
  return Number(rows[0]?.slot ?? 0);
}
