import type { PaymentFact, PaymentState } from '@switchyard/domain';
import type { Db } from '../transaction';

export interface PaymentRow {
  key: string;
  provider: string;
  connection: string;
  paymentId: string;
  status: string;
  facts: PaymentFact[];
  version: number;
}

/**
 * Creates the payment row if needed and locks it for the caller's transaction: concurrent jobs
 * about one payment (two replicas, two events) apply their facts one after the other.
 */
export async function lockPayment(db: Db, key: string, ids: { provider: string; connection: string; paymentId: string }): Promise<PaymentRow> {
  await db.$executeRawUnsafe(
    `INSERT INTO payments (key, provider, connection, payment_id, status) VALUES ($1, $2, $3, $4, 'pending') ON CONFLICT (key) DO NOTHING`,
    key,
    ids.provider,
    ids.connection,
    ids.paymentId,
  );
  const rows = await db.$queryRawUnsafe<PaymentRow[]>(
    `SELECT key, provider, connection, payment_id AS "paymentId", status, facts, version FROM payments WHERE key = $1 FOR UPDATE`,
    key,
  );
  return rows[0]!;
}

export async function savePayment(db: Db, key: string, facts: PaymentFact[], state: PaymentState): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ version: number }[]>(
    `UPDATE payments SET facts = $2::jsonb, status = $3, amount = $4, currency = $5, order_id = $6, refunded_amount = $7, disputed = $8,
       customer = $9::jsonb, last_occurred_at = $10::timestamptz, version = version + 1, updated_at = now()
     WHERE key = $1 RETURNING version`,
    key,
    JSON.stringify(facts),
    state.status,
    state.amount,
    state.currency,
    state.orderId,
    state.refundedAmount,
    state.disputed,
    JSON.stringify(state.customer),
    state.lastOccurredAt,
  );
  return Number(rows[0]?.version ?? 0);
}

export async function findPayment(db: Db, key: string): Promise<(PaymentRow & { amount: number | null; currency: string | null; refundedAmount: number; disputed: boolean; orderId: string | null }) | null> {
  const rows = await db.$queryRawUnsafe<(PaymentRow & { amount: number | null; currency: string | null; refundedAmount: number; disputed: boolean; orderId: string | null })[]>(
    `SELECT key, provider, connection, payment_id AS "paymentId", status, facts, version, amount, currency, refunded_amount AS "refundedAmount", disputed, order_id AS "orderId"
     FROM payments WHERE key = $1`,
    key,
  );
  return rows[0] ?? null;
}
