import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../database';
import type { EffectStatus } from '../generated/kysely/enums';
import type { Effect } from '../generated/kysely/types';

/** One planned side effect: what, about what, caused by which event, performed by which queue. */
export interface EffectPlan {
  kind: string;
  businessKey: string;
  queue: string;
  provider: string;
  connection: string;
  entityType: string;
  entityKey: string;
  request: Record<string, unknown>;
}

type EffectColumns = Selectable<Effect>;

/** An effect of the ledger as performers see it: the generated row's columns, camelCased. */
export type EffectRow = Pick<EffectColumns, 'id' | 'kind' | 'queue' | 'provider' | 'connection' | 'request' | 'status' | 'attempts'> & {
  businessKey: EffectColumns['business_key'];
  entityType: EffectColumns['entity_type'];
  entityKey: EffectColumns['entity_key'];
  idempotencyKey: EffectColumns['idempotency_key'];
  eventId: EffectColumns['event_id'];
  providerRef: EffectColumns['provider_ref'];
  sentAt: EffectColumns['sent_at'];
  createdAt: EffectColumns['created_at'];
};

export interface PlannedEffect {
  id: string;
  kind: string;
  businessKey: string;
  /** False when the ledger already had this (kind, business key): nothing new was planned. */
  inserted: boolean;
}

/** The queue's perform-effect job for an effect (packages/queues builds job names and ids). */
export type EffectJobOf = (queue: string, effectId: string) => { jobName: string; jobId: string };

/**
 * Writes effects to the ledger with their perform-effect outbox rows, in one statement (in the
 * caller's transaction, if any). An effect whose (kind, business key) is already in the ledger is
 * left alone and gets no new job, so planning the same work twice (a re-run job, a duplicate
 * event) performs it once.
 */
export async function planEffects(db: Db, input: { eventId: string | null; plans: EffectPlan[]; jobOf: EffectJobOf }): Promise<PlannedEffect[]> {
  if (input.plans.length === 0) return [];
  const rows = JSON.stringify(effectRows(input.plans, input.jobOf));
  const { rows: result } = await sql<{ id: string; kind: string; business_key: string; inserted: boolean }>`WITH input AS (
       SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS x(id uuid, kind text, business_key text, queue text, provider text, connection text,
         entity_type text, entity_key text, request jsonb, idempotency_key text, job_name text, job_id text)
     ), ins AS (
       INSERT INTO effects (id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, event_id)
       SELECT id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, ${input.eventId}::uuid FROM input
       ON CONFLICT (kind, business_key) DO NOTHING
       RETURNING id, kind, business_key
     ), ob AS (
       INSERT INTO outbox_entries (event_id, queue, job_name, job_id, data)
       SELECT ${input.eventId}::uuid, input.queue, input.job_name, input.job_id, jsonb_build_object('effectId', input.id) FROM input JOIN ins ON ins.id = input.id
       RETURNING id
     )
     SELECT input.id, input.kind, input.business_key, (ins.id IS NOT NULL) AS inserted, (SELECT count(*) FROM ob) AS n
     FROM input LEFT JOIN ins ON ins.id = input.id`.execute(db);
  return result.map((r) => ({ id: r.id, kind: r.kind, businessKey: r.business_key, inserted: r.inserted }));
}

/**
 * The ledger rows (with their job) for plans: the jsonb input of the statements that plan effects
 * (planEffects here; the payment statements in payments.ts plan them with the payment's write).
 */
export function effectRows(plans: EffectPlan[], jobOf: EffectJobOf) {
  return plans.map((p) => {
    const id = randomUUID();
    const job = jobOf(p.queue, id);
    return { id, kind: p.kind, business_key: p.businessKey, queue: p.queue, provider: p.provider, connection: p.connection, entity_type: p.entityType, entity_key: p.entityKey, request: p.request, idempotency_key: `sy-${id}`, job_name: job.jobName, job_id: job.jobId };
  });
}

export async function findEffect(db: Db, id: string): Promise<EffectRow | null> {
  const row = await db
    .selectFrom('effects')
    .select([
      'id',
      'kind',
      'business_key as businessKey',
      'queue',
      'provider',
      'connection',
      'entity_type as entityType',
      'entity_key as entityKey',
      'request',
      'status',
      'idempotency_key as idempotencyKey',
      'event_id as eventId',
      'provider_ref as providerRef',
      'attempts',
      'sent_at as sentAt',
      'created_at as createdAt',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

const UNSETTLED: EffectStatus[] = ['pending', 'sending', 'parked', 'failed'];

/**
 * Records the intent before a call that the provider cannot deduplicate (WhatsApp, Twilio).
 * False when another run already holds the intent (its outcome is then unknown to this run).
 */
export async function markEffectSending(db: Db, effectId: string): Promise<boolean> {
  const result = await db
    .updateTable('effects')
    .set({ status: 'sending', sent_at: sql`now()`, attempts: (eb) => eb('attempts', '+', 1), updated_at: sql`now()` })
    .where('id', '=', effectId)
    .where('status', 'in', ['pending', 'failed'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The call was refused (an answer came back), so nothing was sent: the effect may be tried again. */
export async function markEffectNotSent(db: Db, input: { effectId: string; error: string }): Promise<void> {
  await db.updateTable('effects').set({ status: 'pending', last_error: input.error.slice(0, 2000), updated_at: sql`now()` }).where('id', '=', input.effectId).where('status', '=', 'sending').execute();
}

export async function markEffectAttempt(db: Db, input: { effectId: string; error: string }): Promise<void> {
  await db
    .updateTable('effects')
    .set({ attempts: (eb) => eb('attempts', '+', 1), last_error: input.error.slice(0, 2000), updated_at: sql`now()` })
    .where('id', '=', input.effectId)
    .execute();
}

/** Done with the provider's ref (kept when null) and response; settled effects are left alone. */
export async function markEffectDone(db: Db, input: { effectId: string; providerRef: string | null; response: unknown }): Promise<boolean> {
  const result = await db
    .updateTable('effects')
    .set({
      status: 'done',
      provider_ref: sql`coalesce(${input.providerRef}, provider_ref)`,
      response: JSON.stringify(input.response ?? null),
      done_at: sql`now()`,
      last_error: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', input.effectId)
    .where('status', 'in', UNSETTLED)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markEffectSkipped(db: Db, input: { effectId: string; reason: string }): Promise<void> {
  await db
    .updateTable('effects')
    .set({ status: 'skipped', last_error: input.reason.slice(0, 2000), updated_at: sql`now()` })
    .where('id', '=', input.effectId)
    .where('status', 'in', ['pending', 'sending', 'failed'])
    .execute();
}

/** sending → parked; false when the effect was settled meanwhile (e.g. by its status webhook). */
export async function markEffectParked(db: Db, input: { effectId: string; reason: string }): Promise<boolean> {
  const result = await db.updateTable('effects').set({ status: 'parked', last_error: input.reason.slice(0, 2000), updated_at: sql`now()` }).where('id', '=', input.effectId).where('status', '=', 'sending').executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function markEffectFailed(db: Db, input: { effectId: string; error: string }): Promise<void> {
  await db.updateTable('effects').set({ status: 'failed', last_error: input.error.slice(0, 2000), updated_at: sql`now()` }).where('id', '=', input.effectId).where('status', '=', 'pending').execute();
}
