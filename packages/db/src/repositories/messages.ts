import { mergeMessageStatus, type MessageStatus } from '@switchyard/domain';
import { sql, type Selectable } from 'kysely';
import { compiledStatement } from '../compiled-statement';
import type { Db } from '../database';
import type { Message } from '../generated/kysely/types';

export type MessageRecord = Pick<Selectable<Message>, 'id' | 'channel' | 'recipient' | 'status' | 'error_code' | 'error_message' | 'effect_id' | 'version'>;

const MESSAGE_COLUMNS = ['id', 'channel', 'recipient', 'status', 'error_code', 'error_message', 'effect_id', 'version'] as const;

/**
 * A send's outcome in one statement: the effect done with the provider's message id (a settled
 * effect is left alone), and the message recorded (an upsert that keeps what a status webhook may
 * already have written) so its status webhooks find the effect.
 */
export async function markEffectDoneWithMessage(db: Db, input: { effectId: string; response: unknown; message: { id: string; channel: string; recipient: string } }): Promise<void> {
  const { effectId, message: m } = input;
  await upsertSentMessage(db, { effectId, messageId: m.id, channel: m.channel, recipient: m.recipient, response: JSON.stringify(input.response ?? null) });
}

// Every send's outcome: compiled once (see compiledStatement).
const upsertSentMessage = compiledStatement<{ effectId: string; messageId: string; channel: string; recipient: string; response: string }>()(
  (_, param) => sql`WITH done AS (
       UPDATE effects SET status = 'done', provider_ref = coalesce(${param('messageId')}, provider_ref), response = ${param('response')}::jsonb, done_at = now(), last_error = NULL, updated_at = now()
       WHERE id = ${param('effectId')}::uuid AND status IN ('pending', 'sending', 'parked', 'failed')
       RETURNING id
     )
     INSERT INTO messages (id, channel, recipient, status, effect_id) VALUES (${param('messageId')}, ${param('channel')}, ${param('recipient')}, 'queued', ${param('effectId')}::uuid)
     ON CONFLICT (id) DO UPDATE SET effect_id = coalesce(messages.effect_id, excluded.effect_id), recipient = coalesce(messages.recipient, excluded.recipient)`,
);

/** The message a send produced, found by the effect id its status webhooks carried back. */
export async function findMessageIdOfEffect(db: Db, effectId: string): Promise<string | null> {
  const row = await db.selectFrom('messages').select('id').where('effect_id', '=', effectId).limit(1).executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Applies a status webhook under a row lock. Statuses only move forward (see mergeMessageStatus),
 * so status webhooks in any order end in the same state. Returns the state before and after.
 */
export async function applyMessageStatus(
  db: Db,
  update: { id: string; channel: string; recipient?: string; status: MessageStatus; errorCode?: string; errorMessage?: string; occurredAt: string; effectId?: string },
): Promise<{ before: MessageStatus | null; after: MessageRecord }> {
  await db
    .insertInto('messages')
    .values({ id: update.id, channel: update.channel, recipient: update.recipient ?? null, status: update.status, effect_id: update.effectId ?? null })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const current = await db.selectFrom('messages').select(['status', 'version']).where('id', '=', update.id).forUpdate().executeTakeFirstOrThrow();
  // The column only ever holds statuses written here (MessageStatus values).
  const before = current.version === 0 ? null : (current.status as MessageStatus);
  const next = mergeMessageStatus(before, update.status);
  const failed = next === 'failed' && update.status === 'failed';
  const after = await db
    .updateTable('messages')
    .set({
      status: next,
      version: sql`version + 1`,
      last_occurred_at: sql`greatest(last_occurred_at, ${update.occurredAt}::timestamptz)`,
      ...(failed ? { error_code: update.errorCode ?? null, error_message: update.errorMessage ?? null } : {}),
      effect_id: sql`coalesce(effect_id, ${update.effectId ?? null}::uuid)`,
      recipient: sql`coalesce(recipient, ${update.recipient ?? null})`,
      updated_at: sql`now()`,
    })
    .where('id', '=', update.id)
    .returning(MESSAGE_COLUMNS)
    .executeTakeFirstOrThrow();
  return { before, after };
}
