import type { Selectable } from 'kysely';
import { compiledStatement } from '../compiled-statement';
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
  const [created] = (await insertPaymentLocked(db, input)).rows;
  if (created) return created;
  const [existing] = (await selectPaymentForUpdate(db, input)).rows;
  if (!existing) throw new Error(`payment ${input.key} neither inserted nor found`);
  return existing;
}

// Every later event of a payment takes these (compiled once, see compiledStatement).
const insertPaymentLocked = compiledStatement<{ key: string } & PaymentIds>()((db, param) =>
  db
    .insertInto('payments')
    .values({ key: param('key'), provider: param('provider'), connection: param('connection'), payment_id: param('payment_id'), status: 'pending' })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning(['key', 'status', 'facts', 'version']),
);
const selectPaymentForUpdate = compiledStatement<{ key: string }>()((db, param) => db.selectFrom('payments').select(['key', 'status', 'facts', 'version']).where('key', '=', param('key')).forUpdate());

export type PaymentRecord = Pick<Selectable<Payment>, 'key' | 'provider' | 'connection' | 'payment_id' | 'order_id' | 'status' | 'amount' | 'currency' | 'refunded_amount' | 'disputed' | 'version'>;

export async function findPayment(db: Db, key: string): Promise<PaymentRecord | null> {
  const { rows } = await selectPayment(db, { key });
  return rows[0] ?? null;
}

// A payment-failure notice reads its payment before it is sent: compiled once (see compiledStatement).
const selectPayment = compiledStatement<{ key: string }>()((db, param) =>
  db
    .selectFrom('payments')
    .select(['key', 'provider', 'connection', 'payment_id', 'order_id', 'status', 'amount', 'currency', 'refunded_amount', 'disputed', 'version'])
    .where('key', '=', param('key')),
);
