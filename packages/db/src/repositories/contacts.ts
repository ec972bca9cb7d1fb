import { sql, type Selectable } from 'kysely';
import { compiledStatement } from '../compiled-statement';
import type { Db } from '../database';
import type { Contact } from '../generated/kysely/types';

export type ContactRecord = Pick<Selectable<Contact>, 'phone' | 'email' | 'name' | 'consent' | 'opted_out_at' | 'last_inbound_at'>;

export async function findContact(db: Db, phone: string): Promise<ContactRecord | null> {
  const { rows } = await selectContact(db, { phone });
  return rows[0] ?? null;
}

// Every send checks its recipient's consent: compiled once (see compiledStatement).
const selectContact = compiledStatement<{ phone: string }>()((db, param) =>
  db.selectFrom('contacts').select(['phone', 'email', 'name', 'consent', 'opted_out_at', 'last_inbound_at']).where('phone', '=', param('phone')),
);

/** Adds what we learned about a person; consent only ever turns on here (opt-outs are explicit). */
export async function upsertContact(db: Db, c: { phone: string; email?: string; name?: string; consent?: boolean }): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ phone: c.phone, email: c.email ?? null, name: c.name ?? null, consent: c.consent ?? false })
    .onConflict((oc) =>
      oc.column('phone').doUpdateSet({
        email: sql`coalesce(excluded.email, contacts.email)`,
        name: sql`coalesce(excluded.name, contacts.name)`,
        consent: sql`contacts.consent OR excluded.consent`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/** An inbound message: opens the 24-hour window (kept at the newest message time). */
export async function recordInbound(db: Db, input: { phone: string; at: string; name?: string }): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ phone: input.phone, name: input.name ?? null, last_inbound_at: input.at })
    .onConflict((oc) =>
      oc.column('phone').doUpdateSet({
        last_inbound_at: sql`greatest(contacts.last_inbound_at, excluded.last_inbound_at)`,
        name: sql`coalesce(contacts.name, excluded.name)`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/** STOP: every later send checks `opted_out_at`. An opt-in (START) after it clears it. */
export async function recordOptOut(db: Db, input: { phone: string; at: string }): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ phone: input.phone, opted_out_at: input.at, consent: false })
    .onConflict((oc) => oc.column('phone').doUpdateSet({ opted_out_at: sql`greatest(contacts.opted_out_at, excluded.opted_out_at)`, consent: false, updated_at: sql`now()` }))
    .execute();
}

export async function recordOptIn(db: Db, input: { phone: string; at: string }): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ phone: input.phone, consent: true })
    .onConflict((oc) =>
      oc.column('phone').doUpdateSet({
        consent: true,
        opted_out_at: sql`CASE WHEN contacts.opted_out_at IS NOT NULL AND contacts.opted_out_at < ${input.at}::timestamptz THEN NULL ELSE contacts.opted_out_at END`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}
