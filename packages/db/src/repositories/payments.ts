import type { PaymentFact, PaymentState } from '@switchyard/domain';
import type { Sql } from '../transaction';
import { effectRows, type EffectPlan, type PlannedEffect } from './effects';

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
export async function lockPayment(db: Sql, key: string, ids: { provider: string; connection: string; paymentId: string }): Promise<PaymentRow> {
  // A new payment is created and locked in one statement (the inserting transaction holds its lock);
  // only an existing one needs the second statement to lock it.
  const created = await db.$queryRawUnsafe<PaymentRow[]>(
    `INSERT INTO payments (key, provider, connection, payment_id, status) VALUES ($1, $2, $3, $4, 'pending') ON CONFLICT (key) DO NOTHING
     RETURNING key, provider, connection, payment_id AS "paymentId", status, facts, version`,
    key,
    ids.provider,
    ids.connection,
    ids.paymentId,
  );
  if (created[0]) return created[0];
  const rows = await db.$queryRawUnsafe<PaymentRow[]>(
    `SELECT key, provider, connection, payment_id AS "paymentId", status, facts, version FROM payments WHERE key = $1 FOR UPDATE`,
    key,
  );
  return rows[0]!;
}

/** The state columns of a save, as query values $2–$10 after the key ($1). */
function stateValues(facts: PaymentFact[], state: PaymentState): unknown[] {
  return [JSON.stringify(facts), state.status, state.amount, state.currency, state.orderId, state.refundedAmount, state.disputed, JSON.stringify(state.customer), state.lastOccurredAt];
}

/**
 * One statement for a payment event's whole write, under the lock the caller's transaction holds
 * (lockPayment): the payment's new state, the event tagged with the payment and marked processed,
 * and the follow-up effects with their outbox jobs (planEffects). `plans` are planned for `version`, the
 * version this save gives the row (the locked row's version + 1); a different outcome throws.
 */
export async function savePaymentWithEffects(
  db: Sql,
  key: string,
  facts: PaymentFact[],
  state: PaymentState,
  eventId: string,
  version: number,
  plans: EffectPlan[],
  jobOf: (queue: string, effectId: string) => { jobName: string; jobId: string },
): Promise<PlannedEffect[]> {
  const rows = await db.$queryRawUnsafe<{ version: number | null; id: string | null; kind: string | null; business_key: string | null; inserted: boolean | null }[]>(
    `WITH ev AS (UPDATE inbound_events SET entity_type = 'payment', entity_key = $1,
       status = 'processed', processed_at = CASE WHEN status = 'processed' THEN processed_at ELSE now() END,
       last_error = CASE WHEN status = 'processed' THEN last_error ELSE NULL END
     WHERE id = $11::uuid RETURNING id), pay AS (
       UPDATE payments SET facts = $2::jsonb, status = $3, amount = $4, currency = $5, order_id = $6, refunded_amount = $7, disputed = $8,
         customer = $9::jsonb, last_occurred_at = $10::timestamptz, version = version + 1, updated_at = now()
       WHERE key = $1 RETURNING version
     ), input AS (
       SELECT * FROM jsonb_to_recordset($12::jsonb) AS x(id uuid, kind text, business_key text, queue text, provider text, connection text,
         entity_type text, entity_key text, request jsonb, idempotency_key text, job_name text, job_id text)
     ), ins AS (
       INSERT INTO effects (id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, event_id)
       SELECT id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, $11::uuid FROM input
       ON CONFLICT (kind, business_key) DO NOTHING
       RETURNING id, kind, business_key
     ), ob AS (
       INSERT INTO outbox_entries (event_id, queue, job_name, job_id, data)
       SELECT $11::uuid, input.queue, input.job_name, input.job_id, jsonb_build_object('effectId', input.id) FROM input JOIN ins ON ins.id = input.id
       RETURNING id
     )
     SELECT (SELECT version FROM pay) AS version, input.id, input.kind, input.business_key, (ins.id IS NOT NULL) AS inserted, (SELECT count(*) FROM ob) AS n
     FROM (SELECT 1) one LEFT JOIN input ON true LEFT JOIN ins ON ins.id = input.id`,
    key,
    ...stateValues(facts, state),
    eventId,
    JSON.stringify(effectRows(plans, jobOf)),
  );
  const saved = Number(rows[0]?.version ?? 0);
  // Cannot happen under the row lock; if it does, the effects were planned for the wrong version: undo.
  if (saved !== version) throw new Error(`payment ${key} saved as version ${saved}, expected ${version}: is the row locked?`);
  return rows.flatMap((r) => (r.id ? [{ id: r.id, kind: r.kind!, businessKey: r.business_key!, inserted: !!r.inserted }] : []));
}

/**
 * The first event of a payment, in ONE autocommit statement: creates the payment at version 1 with
 * its state, tags the event and marks it processed, and plans the effects with their outbox jobs —
 * all only if the payment did not exist. Returns null when it did (nothing was written): the caller
 * then applies the event under the row lock (lockPayment + savePaymentWithEffects). A concurrent
 * creator makes this wait for its commit and then return null, so the two never both win.
 */
export async function createPaymentWithEffects(
  db: Sql,
  key: string,
  ids: { provider: string; connection: string; paymentId: string },
  facts: PaymentFact[],
  state: PaymentState,
  eventId: string,
  plans: EffectPlan[],
  jobOf: (queue: string, effectId: string) => { jobName: string; jobId: string },
): Promise<PlannedEffect[] | null> {
  const rows = await db.$queryRawUnsafe<{ created: boolean; id: string | null; kind: string | null; business_key: string | null; inserted: boolean | null }[]>(
    `WITH pay AS (
       INSERT INTO payments (key, facts, status, amount, currency, order_id, refunded_amount, disputed, customer, last_occurred_at, provider, connection, payment_id, version)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::timestamptz, $12, $13, $14, 1)
       ON CONFLICT (key) DO NOTHING RETURNING version
     ), ev AS (UPDATE inbound_events SET entity_type = 'payment', entity_key = $1,
       status = 'processed', processed_at = CASE WHEN status = 'processed' THEN processed_at ELSE now() END,
       last_error = CASE WHEN status = 'processed' THEN last_error ELSE NULL END
     WHERE id = $11::uuid AND EXISTS (SELECT 1 FROM pay) RETURNING id), input AS (
       SELECT * FROM jsonb_to_recordset($15::jsonb) AS x(id uuid, kind text, business_key text, queue text, provider text, connection text,
         entity_type text, entity_key text, request jsonb, idempotency_key text, job_name text, job_id text)
       WHERE EXISTS (SELECT 1 FROM pay)
     ), ins AS (
       INSERT INTO effects (id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, event_id)
       SELECT id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, $11::uuid FROM input
       ON CONFLICT (kind, business_key) DO NOTHING
       RETURNING id, kind, business_key
     ), ob AS (
       INSERT INTO outbox_entries (event_id, queue, job_name, job_id, data)
       SELECT $11::uuid, input.queue, input.job_name, input.job_id, jsonb_build_object('effectId', input.id) FROM input JOIN ins ON ins.id = input.id
       RETURNING id
     )
     SELECT EXISTS (SELECT 1 FROM pay) AS created, input.id, input.kind, input.business_key, (ins.id IS NOT NULL) AS inserted, (SELECT count(*) FROM ob) AS n, (SELECT count(*) FROM ev) AS e
     FROM (SELECT 1) one LEFT JOIN input ON true LEFT JOIN ins ON ins.id = input.id`,
    key,
    ...stateValues(facts, state),
    eventId,
    ids.provider,
    ids.connection,
    ids.paymentId,
    JSON.stringify(effectRows(plans, jobOf)),
  );
  if (!rows[0]?.created) return null;
  return rows.flatMap((r) => (r.id ? [{ id: r.id, kind: r.kind!, businessKey: r.business_key!, inserted: !!r.inserted }] : []));
}

export async function findPayment(db: Sql, key: string): Promise<(PaymentRow & { amount: number | null; currency: string | null; refundedAmount: number; disputed: boolean; orderId: string | null }) | null> {
  const rows = await db.$queryRawUnsafe<(PaymentRow & { amount: number | null; currency: string | null; refundedAmount: number; disputed: boolean; orderId: string | null })[]>(
    `SELECT key, provider, connection, payment_id AS "paymentId", status, facts, version, amount, currency, refunded_amount AS "refundedAmount", disputed, order_id AS "orderId"
     FROM payments WHERE key = $1`,
    key,
  );
  return rows[0] ?? null;
}
