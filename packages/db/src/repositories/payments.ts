import type { Selectable } from 'kysely';
import type { Db } from '../database';
import type { Payment } from '../generated/kysely/types';

export type PaymentIds = Pick<Selectable<Payment>, 'provider' | 'connection' | 'payment_id'>;
export type LockedPayment = Pick<Selectable<Payment>, 'key' | 'status' | 'facts' | 'version'>;
/**
 * Creates the payment row if needed and locks it for the caller's transaction: concurrent jobs
 * about one payment (two replicas, two events) apply their facts one after the other.
 */
export async function lockPayment(db: Db, input: { key: string } & PaymentIds): Promise<LockedPayment> {
  // A new payment is created and locked in one statement (the inserting transaction holds its lock);
  // only an existing one needs the second statement to lock it.
  const created = await db
    .insertInto('payments')
    .values({ key: input.key, provider: input.provider, connection: input.connection, payment_id: input.payment_id, status: 'pending' })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning(['key', 'status', 'facts', 'version'])
    .executeTakeFirst();
  if (created) return created;
  return db.selectFrom('payments').select(['key', 'status', 'facts', 'version']).where('key', '=', input.key).forUpdate().executeTakeFirstOrThrow();
}

export type PaymentRecord = Pick<Selectable<Payment>, 'key' | 'provider' | 'connection' | 'payment_id' | 'order_id' | 'status' | 'amount' | 'currency' | 'refunded_amount' | 'disputed' | 'version'>;

export async function findPayment(db: Db, key: string): Promise<PaymentRecord | null> {
  const row = await db
    .selectFrom('payments')
    .select(['key', 'provider', 'connection', 'payment_id', 'order_id', 'status', 'amount', 'currency', 'refunded_amount', 'disputed', 'version'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row ?? null;
}
