import { randomUUID } from 'node:crypto';
import type { Sql } from '../transaction';

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

export type EffectStatus = 'pending' | 'sending' | 'done' | 'skipped' | 'parked' | 'failed';

export interface EffectRow extends EffectPlan {
  id: string;
  status: EffectStatus;
  idempotencyKey: string;
  eventId: string | null;
  providerRef: string | null;
  attempts: number;
  sentAt: Date | null;
  createdAt: Date;
}

export interface PlannedEffect {
  id: string;
  kind: string;
  businessKey: string;
  /** False when the ledger already had this (kind, business key): nothing new was planned. */
  inserted: boolean;
}

/**
 * Writes effects to the ledger with their perform-effect outbox rows, in the caller's transaction.
 * An effect whose (kind, business key) is already in the ledger is left alone and gets no new job,
 * so planning the same work twice (a re-run job, a duplicate event) performs it once.
 */
export async function planEffects(db: Sql, eventId: string | null, plans: EffectPlan[], jobOf: (queue: string, effectId: string) => { jobName: string; jobId: string }): Promise<PlannedEffect[]> {
  if (plans.length === 0) return [];
  const rows = effectRows(plans, jobOf);
  const result = await db.$queryRawUnsafe<{ id: string; kind: string; business_key: string; inserted: boolean }[]>(
    `WITH ${PLAN_EFFECTS_CTES('$1', '$2')}
     SELECT input.id, input.kind, input.business_key, (ins.id IS NOT NULL) AS inserted, (SELECT count(*) FROM ob) AS n
     FROM input LEFT JOIN ins ON ins.id = input.id`,
    JSON.stringify(rows),
    eventId,
  );
  return result.map((r) => ({ id: r.id, kind: r.kind, businessKey: r.business_key, inserted: r.inserted }));
}

/** The ledger rows (with their job) for plans, as the jsonb input of planEffects' statement. */
export function effectRows(plans: EffectPlan[], jobOf: (queue: string, effectId: string) => { jobName: string; jobId: string }) {
  return plans.map((p) => {
    const id = randomUUID();
    const job = jobOf(p.queue, id);
    return { id, kind: p.kind, business_key: p.businessKey, queue: p.queue, provider: p.provider, connection: p.connection, entity_type: p.entityType, entity_key: p.entityKey, request: p.request, idempotency_key: `sy-${id}`, job_name: job.jobName, job_id: job.jobId };
  });
}

/**
 * The part of planEffects' statement after `input` (the rows): insert new effects and their outbox
 * jobs. With `guard`, a SQL condition, nothing is planned unless it holds.
 */
export const PLAN_EFFECTS_CTES = (inputParam: string, eventParam: string, guard?: string) => `input AS (
       SELECT * FROM jsonb_to_recordset(${inputParam}::jsonb) AS x(id uuid, kind text, business_key text, queue text, provider text, connection text,
         entity_type text, entity_key text, request jsonb, idempotency_key text, job_name text, job_id text)${guard ? `
       WHERE ${guard}` : ''}
     ), ins AS (
       INSERT INTO effects (id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, event_id)
       SELECT id, kind, business_key, queue, provider, connection, entity_type, entity_key, request, idempotency_key, ${eventParam}::uuid FROM input
       ON CONFLICT (kind, business_key) DO NOTHING
       RETURNING id, kind, business_key
     ), ob AS (
       INSERT INTO outbox_entries (event_id, queue, job_name, job_id, data)
       SELECT ${eventParam}::uuid, input.queue, input.job_name, input.job_id, jsonb_build_object('effectId', input.id) FROM input JOIN ins ON ins.id = input.id
       RETURNING id
     )`;

const COLUMNS = `id, kind, business_key AS "businessKey", queue, provider, connection, entity_type AS "entityType", entity_key AS "entityKey",
  request, status::text AS status, idempotency_key AS "idempotencyKey", event_id AS "eventId", provider_ref AS "providerRef", attempts,
  sent_at AS "sentAt", created_at AS "createdAt"`;

export async function findEffect(db: Sql, id: string): Promise<EffectRow | null> {
  const rows = await db.$queryRawUnsafe<EffectRow[]>(`SELECT ${COLUMNS} FROM effects WHERE id = $1::uuid`, id);
  return rows[0] ?? null;
}

/**
 * Records the intent before a call that the provider cannot deduplicate (WhatsApp, Twilio).
 * False when another run already holds the intent (its outcome is then unknown to this run).
 */
export async function markEffectSending(db: Sql, id: string): Promise<boolean> {
  const n = await db.$executeRawUnsafe(`UPDATE effects SET status = 'sending', sent_at = now(), attempts = attempts + 1, updated_at = now() WHERE id = $1::uuid AND status IN ('pending', 'failed')`, id);
  return n > 0;
}

/** The call was refused (an answer came back), so nothing was sent: the effect may be tried again. */
export async function markEffectNotSent(db: Sql, id: string, error: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE effects SET status = 'pending', last_error = $2, updated_at = now() WHERE id = $1::uuid AND status = 'sending'`, id, error.slice(0, 2000));
}

export async function markEffectAttempt(db: Sql, id: string, error: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE effects SET attempts = attempts + 1, last_error = $2, updated_at = now() WHERE id = $1::uuid`, id, error.slice(0, 2000));
}

/** Effect $1 done with provider ref $2 (kept when null) and response $3; settled effects are left alone. */
export const MARK_EFFECT_DONE_SQL = `UPDATE effects SET status = 'done', provider_ref = coalesce($2, provider_ref), response = $3::jsonb, done_at = now(), last_error = NULL, updated_at = now()
     WHERE id = $1::uuid AND status IN ('pending', 'sending', 'parked', 'failed')`;

export async function markEffectDone(db: Sql, id: string, providerRef: string | null, response: unknown): Promise<boolean> {
  const n = await db.$executeRawUnsafe(
    MARK_EFFECT_DONE_SQL,
    id,
    providerRef,
    JSON.stringify(response ?? null),
  );
  return n > 0;
}

export async function markEffectSkipped(db: Sql, id: string, reason: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE effects SET status = 'skipped', last_error = $2, updated_at = now() WHERE id = $1::uuid AND status IN ('pending', 'sending', 'failed')`, id, reason.slice(0, 2000));
}

/** sending → parked; false when the effect was settled meanwhile (e.g. by its status webhook). */
export async function markEffectParked(db: Sql, id: string, reason: string): Promise<boolean> {
  return 1 === await db.$executeRawUnsafe(`UPDATE effects SET status = 'parked', last_error = $2, updated_at = now() WHERE id = $1::uuid AND status = 'sending'`, id, reason.slice(0, 2000));
}

export async function markEffectFailed(db: Sql, id: string, error: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE effects SET status = 'failed', last_error = $2, updated_at = now() WHERE id = $1::uuid AND status = 'pending'`, id, error.slice(0, 2000));
}

