import { sql, type Selectable } from 'kysely';
import { compiledStatement } from '../compiled-statement';
import type { Db } from '../database';
import type { EffectStatus } from '../generated/kysely/enums';
import type { Effect } from '../generated/kysely/types';

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
  /** The trace that planned it (W3C traceparent), for links from later work about it. */
  traceContext: EffectColumns['trace_context'];
};

/**
 * The effect's row. With `lock`, inside a transaction: locked until it ends, and read as it is after
 * any transaction that holds it now commits, so a decision taken on its status stays true until the
 * caller's commit (e.g. a park committed a moment earlier is seen, not missed).
 */
export async function findEffect(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<EffectRow | null> {
  const { rows } = await (opts.lock === true ? selectEffectForUpdate : selectEffect)(db, { id });
  return rows[0] ?? null;
}

/** The columns of EffectRow, camelCased, for every statement that reads effect rows. */
export const EFFECT_ROW_COLUMN_LIST = [
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
  'trace_context as traceContext',
] as const;

const effectById = (db: Db, id: string) => db.selectFrom('effects').select(EFFECT_ROW_COLUMN_LIST).where('id', '=', id);
// Every send reads its effect first: compiled once (see compiledStatement).
const selectEffect = compiledStatement<{ id: string }>()((db, param) => effectById(db, param('id')));
const selectEffectForUpdate = compiledStatement<{ id: string }>()((db, param) => effectById(db, param('id')).forUpdate());

const UNSETTLED: EffectStatus[] = ['pending', 'sending', 'parked', 'failed'];

/**
 * Records the intent before a call that the provider cannot deduplicate (WhatsApp, Twilio).
 * False when another run already holds the intent (its outcome is then unknown to this run).
 */
export async function markEffectSending(db: Db, effectId: string): Promise<boolean> {
  const result = await updateEffectSending(db, { effectId });
  return (result.numAffectedRows ?? 0n) > 0n;
}

const updateEffectSending = compiledStatement<{ effectId: string }>()((db, param) =>
  db
    .updateTable('effects')
    .set({ status: 'sending', sent_at: sql`now()`, attempts: (eb) => eb('attempts', '+', 1), updated_at: sql`now()` })
    .where('id', '=', param('effectId'))
    .where('status', 'in', ['pending', 'failed']),
);

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
