import type { Sql } from '../transaction';

export interface ContactRow {
  phone: string;
  email: string | null;
  name: string | null;
  consent: boolean;
  optedOutAt: Date | null;
  lastInboundAt: Date | null;
}

const COLUMNS = `phone, email, name, consent, opted_out_at AS "optedOutAt", last_inbound_at AS "lastInboundAt"`;

export async function findContact(db: Sql, phone: string): Promise<ContactRow | null> {
  const rows = await db.$queryRawUnsafe<ContactRow[]>(`SELECT ${COLUMNS} FROM contacts WHERE phone = $1`, phone);
  return rows[0] ?? null;
}

/** Adds what we learned about a person; consent only ever turns on here (opt-outs are explicit). */
export async function upsertContact(db: Sql, c: { phone: string; email?: string; name?: string; consent?: boolean }): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO contacts (phone, email, name, consent) VALUES ($1, $2, $3, $4)
     ON CONFLICT (phone) DO UPDATE SET email = coalesce(excluded.email, contacts.email), name = coalesce(excluded.name, contacts.name),
       consent = contacts.consent OR excluded.consent, updated_at = now()`,
    c.phone,
    c.email ?? null,
    c.name ?? null,
    c.consent ?? false,
  );
}

/** An inbound message: opens the 24-hour window (kept at the newest message time). */
export async function recordInbound(db: Sql, phone: string, at: string, name?: string): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO contacts (phone, name, last_inbound_at) VALUES ($1, $2, $3::timestamptz)
     ON CONFLICT (phone) DO UPDATE SET last_inbound_at = greatest(contacts.last_inbound_at, excluded.last_inbound_at), name = coalesce(contacts.name, excluded.name), updated_at = now()`,
    phone,
    name ?? null,
    at,
  );
}

/** STOP: every later send checks `opted_out_at`. An opt-in (START) after it clears it. */
export async function recordOptOut(db: Sql, phone: string, at: string): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO contacts (phone, opted_out_at, consent) VALUES ($1, $2::timestamptz, false)
     ON CONFLICT (phone) DO UPDATE SET opted_out_at = greatest(contacts.opted_out_at, excluded.opted_out_at), consent = false, updated_at = now()`,
    phone,
    at,
  );
}

export async function recordOptIn(db: Sql, phone: string, at: string): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO contacts (phone, consent) VALUES ($1, true)
     ON CONFLICT (phone) DO UPDATE SET consent = true,
       opted_out_at = CASE WHEN contacts.opted_out_at IS NOT NULL AND contacts.opted_out_at < $2::timestamptz THEN NULL ELSE contacts.opted_out_at END, updated_at = now()`,
    phone,
    at,
  );
}
