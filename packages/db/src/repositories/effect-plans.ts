import { randomUUID } from 'node:crypto';
import type { PaymentFact, PaymentState } from '@switchyard/domain';
import { currentTraceparent } from '@switchyard/telemetry';
import { sql, type RawBuilder, type Selectable } from 'kysely';
import { compiledStatement, type Param } from '../compiled-statement';
import type { Db } from '../database';
import type { Effect, Payment } from '../generated/kysely/types';
import type { PaymentIds } from './payments';

/*
 * Recording what a planner decided: effects go into the ledger (`effects`) with a perform-effect
 * job each (`outbox_entries`), in the same statement as the write they follow from. An effect
 * whose (kind, business key) the ledger already has is left alone and gets no new job, so
 * recording the same work twice (a re-run job, a duplicate event) performs it once.
 */

/**
 * A side effect as the ledger records it (the input of this file's statements, camelCase; the row
 * type is the generated Effect). Untyped on purpose: the typed unit of work is @switchyard/planning's
 * EffectPlan, which narrows kind, queue and request from its effect catalog and is one of these
 * (planning depends on db, not the other way round).
 */
export interface NewEffect {
  kind: string;
  businessKey: string;
  queue: string;
  provider: string;
  connection: string;
  entityType: string;
  entityKey: string;
  request: Record<string, unknown>;
}

export interface PlannedEffect {
  id: string;
  kind: string;
  businessKey: string;
  /** False when the ledger already had this (kind, business key): nothing new was planned. */
  inserted: boolean;
}

/** The queue's perform-effect job for an effect (packages/queues builds job names and ids). */
export type EffectJobOf = (queue: string, effectId: string) => { jobName: string; jobId: string };

/** A row of a statement that planned effects: one per planned effect, all null when none was planned. */
type PlannedRow = { [K in 'id' | 'kind' | 'business_key']: Selectable<Effect>[K] | null } & { inserted: boolean | null };

function plannedOf(rows: PlannedRow[]): PlannedEffect[] {
  return rows.flatMap((r) => (r.id && r.kind && r.business_key ? [{ id: r.id, kind: r.kind, businessKey: r.business_key, inserted: !!r.inserted }] : []));
}


/** What a payment event writes: the payment's facts and folded state, and the effects planned for it. */
export interface PaymentWrite {
  key: string;
  facts: PaymentFact[];
  state: PaymentState;
  /** The inbound event being applied: tagged with the payment and marked processed in the same statement. */
  eventId: string;
  plans: NewEffect[];
  jobOf: EffectJobOf;
}

/**
 * The effect-recording part every statement of this file shares: `input` (the planned effects as
 * rows, kept only while `onlyIf` holds), `ins` (new effects; one the ledger already has is left
 * alone) and `ob` (an outbox job for each new effect). Each statement selects from them. It is
 * private to this file so that every statement that uses it is read whole here.
 */
function planningCtes(param: Param<PlanningParams>, onlyIf: RawBuilder<boolean>) {
  return sql`input AS (
       SELECT * FROM jsonb_to_recordset(${param('effects')}::jsonb) AS x(id uuid, kind text, business_key text, queue text, provider text, connection text,
         entity_type text, entity_key text, request jsonb, idempotency_key text, job_name text, job_id text)
       WHERE ${onlyIf}
     ), ins AS (
       INSERT INTO effects (id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, event_id, trace_context)
       SELECT id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, ${param('eventId')}::uuid, ${param('traceContext')}::text FROM input
       ON CONFLICT (kind, business_key) DO NOTHING
       RETURNING id, kind, business_key
     ), ob AS (
       INSERT INTO outbox_entries (event_id, queue, job_name, job_id, data)
       SELECT ${param('eventId')}::uuid, input.queue, input.job_name, input.job_id, jsonb_strip_nulls(jsonb_build_object('effectId', input.id, 'traceparent', ${param('traceContext')}::text)) FROM input JOIN ins ON ins.id = input.id
       RETURNING id
     )`;
}

/**
 * What planningCtes reads: the planned effects as jsonb rows (effectRows), the event they follow
 * from, and the trace they continue. The span recording the plans (the worker applying an event)
 * is where each effect's trace continues: stored with the effect and put in its job's data. Null
 * while tracing is off.
 */
interface PlanningParams {
  effects: string;
  eventId: string | null;
  traceContext: string | null;
}

function planningParams(input: { eventId: string | null; plans: NewEffect[]; jobOf: EffectJobOf }): PlanningParams {
  return { effects: JSON.stringify(effectRows(input.plans, input.jobOf)), eventId: input.eventId, traceContext: currentTraceparent() ?? null };
}

/** A payment's columns as its write statements take them (jsonb as text). */
function paymentParams(input: PaymentWrite) {
  const { key, state } = input;
  return {
    key,
    facts: JSON.stringify(input.facts),
    status: state.status,
    amount: state.amount,
    currency: state.currency,
    orderId: state.orderId,
    refundedAmount: state.refundedAmount,
    disputed: state.disputed,
    customer: JSON.stringify(state.customer),
    lastOccurredAt: state.lastOccurredAt,
  };
}
type PaymentParams = ReturnType<typeof paymentParams>;

/**
 * One statement for a payment event's whole write, under the lock the caller's transaction holds
 * (lockPayment): the payment's new state, the event tagged with the payment and marked processed,
 * and the follow-up effects with their outbox jobs (an effect whose kind and business key the
 * ledger already has is left alone and gets no job). `plans` are planned for `version`, the version
 * this save gives the row (the locked row's version + 1); a different outcome throws.
 */
export async function savePaymentWithEffects(db: Db, input: PaymentWrite & { version: number }): Promise<PlannedEffect[]> {
  const { rows } = await updatePaymentWithEffects(db, { ...paymentParams(input), ...planningParams(input), eventId: input.eventId });
  const saved = Number(rows[0]?.version ?? 0);
  // Cannot happen under the row lock; if it does, the effects were planned for the wrong version: undo.
  if (saved !== input.version) throw new Error(`payment ${input.key} saved as version ${saved}, expected ${input.version}: is the row locked?`);
  return plannedOf(rows);
}

// Every payment event takes one of these two: compiled once (see compiledStatement).
const updatePaymentWithEffects = compiledStatement<PaymentParams & PlanningParams & { eventId: string }>()(
  (_, param) => sql<PlannedRow & { version: Selectable<Payment>['version'] | null }>`WITH ev AS (
       UPDATE inbound_events SET entity_type = 'payment', entity_key = ${param('key')},
         status = 'processed', processed_at = CASE WHEN status = 'processed' THEN processed_at ELSE now() END,
         last_error = CASE WHEN status = 'processed' THEN last_error ELSE NULL END
       WHERE id = ${param('eventId')}::uuid
       RETURNING id
     ), pay AS (
       UPDATE payments SET facts = ${param('facts')}::jsonb, status = ${param('status')}, amount = ${param('amount')}, currency = ${param('currency')}, order_id = ${param('orderId')},
         refunded_amount = ${param('refundedAmount')}, disputed = ${param('disputed')}, customer = ${param('customer')}::jsonb,
         last_occurred_at = ${param('lastOccurredAt')}::timestamptz, version = version + 1, updated_at = now()
       WHERE key = ${param('key')}
       RETURNING version
     ), ${planningCtes(param, sql`true`)}
     SELECT (SELECT version FROM pay) AS version, input.id, input.kind, input.business_key, (ins.id IS NOT NULL) AS inserted, (SELECT count(*) FROM ob) AS n
     FROM (SELECT 1) one LEFT JOIN input ON true LEFT JOIN ins ON ins.id = input.id`,
);

/**
 * The first event of a payment, in ONE autocommit statement: creates the payment at version 1 with
 * its state, tags the event and marks it processed, and plans the effects with their outbox jobs —
 * all only if the payment did not exist. Returns null when it did (nothing was written): the caller
 * then applies the event under the row lock (lockPayment + savePaymentWithEffects). A concurrent
 * creator makes this wait for its commit and then return null, so the two never both win.
 */
export async function createPaymentWithEffects(db: Db, input: PaymentWrite & PaymentIds): Promise<PlannedEffect[] | null> {
  const { rows } = await insertPaymentWithEffects(db, {
    ...paymentParams(input),
    ...planningParams(input),
    eventId: input.eventId,
    provider: input.provider,
    connection: input.connection,
    paymentId: input.payment_id,
  });
  if (!rows[0]?.created) return null;
  return plannedOf(rows);
}

const insertPaymentWithEffects = compiledStatement<PaymentParams & PlanningParams & { eventId: string; provider: string; connection: string; paymentId: string }>()(
  (_, param) => sql<PlannedRow & { created: boolean }>`WITH pay AS (
       INSERT INTO payments (key, facts, status, amount, currency, order_id, refunded_amount, disputed, customer, last_occurred_at, provider, connection, payment_id, version)
       VALUES (${param('key')}, ${param('facts')}::jsonb, ${param('status')}, ${param('amount')}, ${param('currency')}, ${param('orderId')}, ${param('refundedAmount')}, ${param('disputed')},
         ${param('customer')}::jsonb, ${param('lastOccurredAt')}::timestamptz, ${param('provider')}, ${param('connection')}, ${param('paymentId')}, 1)
       ON CONFLICT (key) DO NOTHING
       RETURNING version
     ), ev AS (
       UPDATE inbound_events SET entity_type = 'payment', entity_key = ${param('key')},
         status = 'processed', processed_at = CASE WHEN status = 'processed' THEN processed_at ELSE now() END,
         last_error = CASE WHEN status = 'processed' THEN last_error ELSE NULL END
       WHERE id = ${param('eventId')}::uuid AND EXISTS (SELECT 1 FROM pay)
       RETURNING id
     ), ${planningCtes(param, sql`EXISTS (SELECT 1 FROM pay)`)}
     SELECT EXISTS (SELECT 1 FROM pay) AS created, input.id, input.kind, input.business_key, (ins.id IS NOT NULL) AS inserted, (SELECT count(*) FROM ob) AS n, (SELECT count(*) FROM ev) AS e
     FROM (SELECT 1) one LEFT JOIN input ON true LEFT JOIN ins ON ins.id = input.id`,
);

/** Records effects with their perform-effect jobs on their own (in the caller's transaction, if any). */
export async function recordEffects(db: Db, input: { eventId: string | null; plans: NewEffect[]; jobOf: EffectJobOf }): Promise<PlannedEffect[]> {
  if (input.plans.length === 0) return [];
  const { rows } = await insertEffects(db, planningParams(input));
  return plannedOf(rows);
}

const insertEffects = compiledStatement<PlanningParams>()(
  (_, param) => sql<PlannedRow>`WITH ${planningCtes(param, sql`true`)}
     SELECT input.id, input.kind, input.business_key, (ins.id IS NOT NULL) AS inserted, (SELECT count(*) FROM ob) AS n
     FROM input LEFT JOIN ins ON ins.id = input.id`,
);

/** The ledger rows (with their job) for plans: the jsonb input of this file's statements. */
function effectRows(plans: NewEffect[], jobOf: EffectJobOf) {
  return plans.map((p) => {
    const id = randomUUID();
    const job = jobOf(p.queue, id);
    return { id, kind: p.kind, business_key: p.businessKey, queue: p.queue, provider: p.provider, connection: p.connection, entity_type: p.entityType, entity_key: p.entityKey, request: p.request, idempotency_key: `sy-${id}`, job_name: job.jobName, job_id: job.jobId };
  });
}
