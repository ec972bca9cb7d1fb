import { sql } from 'kysely';
import type { Db } from '../database';

/** A person's contact details as stored, unmasked: only for a reveal someone may make and is audited for. */
export interface PersonalData {
  email: string | null;
  phone: string | null;
  name: string | null;
}

/** Entity types that hold personal data, and where: a deal holds none. */
export const personalDataTypes = ['contact', 'payment', 'lead', 'message'] as const;
export type PersonalDataType = (typeof personalDataTypes)[number];

/**
 * The personal data stored on one entity, by its entity key (as entity pages are keyed): a
 * contact's own columns, a payment's customer object, a lead's columns, a message's recipient.
 * Null when no such entity is stored.
 */
export async function findPersonalData(db: Db, entity: { type: PersonalDataType; key: string }): Promise<PersonalData | null> {
  switch (entity.type) {
    case 'contact':
      return (await db.selectFrom('contacts').select(['email', 'phone', 'name']).where('phone', '=', entity.key).executeTakeFirst()) ?? null;
    case 'lead':
      return (await db.selectFrom('leads').select(['email', 'phone', 'name']).where('dedup_key', '=', entity.key).executeTakeFirst()) ?? null;
    case 'payment': {
      // The provider's customer object: only string values are personal data we show.
      const text = (field: string) => sql<string | null>`case when jsonb_typeof(customer -> ${field}) = 'string' then customer ->> ${field} end`;
      const row = await db.selectFrom('payments').select([text('email').as('email'), text('phone').as('phone'), text('name').as('name')]).where('key', '=', entity.key).executeTakeFirst();
      return row ?? null;
    }
    case 'message': {
      const row = await db.selectFrom('messages').select('recipient').where('id', '=', entity.key).executeTakeFirst();
      return row ? { email: null, phone: row.recipient, name: null } : null;
    }
  }
}
