import { sql } from 'kysely';
import { rowsInOrderAsked, rowsToFirstAsker } from '../batch-answers';
import { createCoalescer } from '../coalescer';
import { compiledStatement } from '../compiled-statement';
import type { Db } from '../database';
import { isDatabaseUnavailable } from '../errors';
import { EFFECT_ROW_COLUMN_LIST, findEffect, markEffectDone, markEffectSending, type EffectRow } from './effects';
import { findContact, type ContactRecord } from './contacts';
import { markEffectDoneWithMessage } from './messages';

/**
 * What the effect runner and its performers read and write around every send, each call
 * group-committed with the concurrent calls of the other jobs of the worker (see createCoalescer):
 * eight sends in flight read their effects with one statement, commit their intents with one and
 * their outcomes with one, instead of eight each. A caller is answered only once the statement
 * holding its row has finished, so an intent is committed before its request leaves, as before.
 * An idle worker's call leaves at once, alone: no timer, no added latency.
 */
export interface EffectLedger {
  /** The effect's row (findEffect). */
  find(effectId: string): Promise<EffectRow | null>;
  /** The intent before a call the provider cannot deduplicate (markEffectSending): false when another run holds it. */
  markSending(effectId: string): Promise<boolean>;
  /** Done with the provider's ref (kept when null) and response (markEffectDone): false when it was already settled. */
  markDone(input: { effectId: string; providerRef: string | null; response: unknown }): Promise<boolean>;
  /** Done, and the message it produced recorded for its status webhooks (markEffectDoneWithMessage). */
  markDoneWithMessage(input: { effectId: string; response: unknown; message: { id: string; channel: string; recipient: string } }): Promise<void>;
  /** The recipient's consent and last inbound message (findContact), read before every send. */
  contact(phone: string): Promise<ContactRecord | null>;
}

export interface EffectLedgerOptions {
  /** Most calls one statement carries (default 64). */
  maxBatch?: number;
  /**
   * Statements of each kind running at once (default 1). Calls made while one runs wait for it and
   * leave together: measured with 8 and 32 concurrent sends, 1 batches far more than 2 does, and
   * with five kinds of statement a worker still has several in flight.
   */
  maxInFlight?: number;
}

export function createEffectLedger(db: Db, options: EffectLedgerOptions = {}): EffectLedger {
  const shape = { maxBatch: options.maxBatch ?? 64, maxInFlight: options.maxInFlight ?? 1, failsWholeBatch: isDatabaseUnavailable };
  // A call alone takes the one-row statement (runOne): the batch statements (an array or a jsonb
  // input, a CTE that locks in order) cost Postgres more than it for a single row, so a quiet
  // worker pays exactly what it paid before batching.
  const coalesced = <I, O>(runOne: (input: I) => Promise<O>, runBatch: (inputs: I[]) => Promise<O[]>) => createCoalescer<I, O>({ ...shape, runOne, runBatch });
  return {
    find: coalesced((id) => findEffect(db, id), (ids) => findEffects(db, ids)),
    markSending: coalesced((id) => markEffectSending(db, id), (ids) => markEffectsSending(db, ids)),
    markDone: coalesced((input) => markEffectDone(db, input), (inputs) => markEffectsDone(db, inputs)),
    markDoneWithMessage: coalesced((input) => markEffectDoneWithMessage(db, input), (inputs) => markEffectsDoneWithMessages(db, inputs)),
    contact: coalesced((phone) => findContact(db, phone), (phones) => findContacts(db, phones)),
  };
}

/** Each id's effect row (null when it is not in the ledger), in the order asked; an id may be asked twice. */
export async function findEffects(db: Db, ids: string[]): Promise<(EffectRow | null)[]> {
  const { rows } = await selectEffects(db, { ids });
  return rowsInOrderAsked(ids, rows, (r) => r.id);
}

const selectEffects = compiledStatement<{ ids: string[] }>()((db, param) =>
  db
    .selectFrom('effects')
    .select(EFFECT_ROW_COLUMN_LIST)
    .where('id', '=', sql<string>`ANY(${param('ids')}::uuid[])`),
);

// The batch statements below lock their rows by primary key, in id order (two replicas' batches
// cannot deadlock), and read each row's status from the locked row: the latest committed one, which
// nobody can change before this statement commits. The status is not a WHERE condition on `effects`
// on purpose: the planner would then walk the status index over every unsettled effect (a backlog of
// thousands) instead of fetching the few asked for by id.

/**
 * Intents for several effects in one statement. True for an effect this call moved to `sending`;
 * an id asked twice in one call is true for its first copy only, so two runs of one effect never
 * both hold its intent. Rows are locked in id order, so two replicas' batches cannot deadlock.
 */
export async function markEffectsSending(db: Db, ids: string[]): Promise<boolean[]> {
  const { rows } = await updateEffectsSending(db, { ids });
  return rowsToFirstAsker(ids, rows, (r) => r.id).map((moved) => moved !== null);
}

const updateEffectsSending = compiledStatement<{ ids: string[] }>()(
  (_, param) => sql<{ id: string }>`WITH locked AS (
       SELECT id, status IN ('pending', 'failed') AS open FROM effects WHERE id = ANY(${param('ids')}::uuid[]) ORDER BY id FOR UPDATE
     )
     UPDATE effects SET status = 'sending', sent_at = now(), attempts = attempts + 1, updated_at = now()
     FROM locked WHERE effects.id = locked.id AND locked.open
     RETURNING effects.id`,
);

/** Outcomes of several effects in one statement (markEffectDone each); true for an effect this call settled. */
export async function markEffectsDone(db: Db, inputs: { effectId: string; providerRef: string | null; response: unknown }[]): Promise<boolean[]> {
  const input = inputs.map((i) => ({ effect_id: i.effectId, provider_ref: i.providerRef, response: i.response ?? null }));
  const { rows } = await updateEffectsDone(db, { input: JSON.stringify(input) });
  return rowsToFirstAsker(
    inputs.map((i) => i.effectId),
    rows,
    (r) => r.id,
  ).map((settled) => settled !== null);
}

const updateEffectsDone = compiledStatement<{ input: string }>()(
  (_, param) => sql<{ id: string }>`WITH input AS (
       SELECT DISTINCT ON (effect_id) * FROM jsonb_to_recordset(${param('input')}::jsonb) AS x(effect_id uuid, provider_ref text, response jsonb)
     ), locked AS (
       SELECT id, status IN ('pending', 'sending', 'parked', 'failed') AS open FROM effects WHERE id IN (SELECT effect_id FROM input) ORDER BY id FOR UPDATE
     )
     UPDATE effects SET status = 'done', provider_ref = coalesce(input.provider_ref, effects.provider_ref), response = input.response, done_at = now(), last_error = NULL, updated_at = now()
     FROM input, locked WHERE effects.id = locked.id AND input.effect_id = locked.id AND locked.open
     RETURNING effects.id`,
);

/**
 * Sends' outcomes in one statement (markEffectDoneWithMessage each): the effects done with their
 * message ids, the messages upserted keeping what a status webhook may already have written.
 * The same message twice in one call fails the statement, and the ledger then runs each call alone.
 */
export async function markEffectsDoneWithMessages(db: Db, inputs: { effectId: string; response: unknown; message: { id: string; channel: string; recipient: string } }[]): Promise<void[]> {
  const input = inputs.map((i) => ({ effect_id: i.effectId, message_id: i.message.id, channel: i.message.channel, recipient: i.message.recipient, response: i.response ?? null }));
  await upsertSentMessages(db, { input: JSON.stringify(input) });
  return inputs.map(() => undefined);
}

const upsertSentMessages = compiledStatement<{ input: string }>()(
  (_, param) => sql`WITH input AS (
       SELECT * FROM jsonb_to_recordset(${param('input')}::jsonb) AS x(effect_id uuid, message_id text, channel text, recipient text, response jsonb)
     ), locked AS (
       SELECT id, status IN ('pending', 'sending', 'parked', 'failed') AS open FROM effects WHERE id IN (SELECT effect_id FROM input) ORDER BY id FOR UPDATE
     ), done AS (
       UPDATE effects SET status = 'done', provider_ref = coalesce(input.message_id, effects.provider_ref), response = input.response, done_at = now(), last_error = NULL, updated_at = now()
       FROM input, locked WHERE effects.id = locked.id AND input.effect_id = locked.id AND locked.open
       RETURNING effects.id
     )
     INSERT INTO messages (id, channel, recipient, status, effect_id)
     SELECT message_id, channel, recipient, 'queued', effect_id FROM input ORDER BY message_id
     ON CONFLICT (id) DO UPDATE SET effect_id = coalesce(messages.effect_id, excluded.effect_id), recipient = coalesce(messages.recipient, excluded.recipient)`,
);

/** Each phone's contact (null when unknown), in the order asked. */
export async function findContacts(db: Db, phones: string[]): Promise<(ContactRecord | null)[]> {
  const { rows } = await selectContacts(db, { phones });
  return rowsInOrderAsked(phones, rows, (r) => r.phone);
}

const selectContacts = compiledStatement<{ phones: string[] }>()((db, param) =>
  db
    .selectFrom('contacts')
    .select(['phone', 'email', 'name', 'consent', 'opted_out_at', 'last_inbound_at'])
    .where('phone', '=', sql<string>`ANY(${param('phones')}::text[])`),
);
