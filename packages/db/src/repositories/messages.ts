import { mergeMessageStatus, type MessageStatus } from '@switchyard/domain';
import type { Sql } from '../transaction';

export interface MessageRow {
  id: string;
  channel: string;
  recipient: string | null;
  status: MessageStatus;
  errorCode: string | null;
  errorMessage: string | null;
  effectId: string | null;
  version: number;
}

/**
 * A send's outcome in one statement: the effect done with the provider's message id, and the
 * message recorded (an upsert that keeps what a status webhook may already have written) so its
 * status webhooks find the effect.
 */
export async function markEffectDoneWithMessage(db: Sql, effectId: string, response: unknown, m: { id: string; channel: string; recipient: string }): Promise<void> {
  await db.$executeRawUnsafe(
    `WITH done AS (
       UPDATE effects SET status = 'done', provider_ref = coalesce($2, provider_ref), response = $3::jsonb, done_at = now(), last_error = NULL, updated_at = now()
       WHERE id = $1::uuid AND status IN ('pending', 'sending', 'parked', 'failed') RETURNING id
     )
     INSERT INTO messages (id, channel, recipient, status, effect_id) VALUES ($2, $4, $5, 'queued', $1::uuid)
     ON CONFLICT (id) DO UPDATE SET effect_id = coalesce(messages.effect_id, excluded.effect_id), recipient = coalesce(messages.recipient, excluded.recipient)`,
    effectId,
    m.id,
    JSON.stringify(response ?? null),
    m.channel,
    m.recipient,
  );
}

/**
 * Applies a status webhook under a row lock. Statuses only move forward (see mergeMessageStatus),
 * so status webhooks in any order end in the same state. Returns the state before and after.
 */
export async function applyMessageStatus(
  db: Sql,
  update: { id: string; channel: string; recipient?: string; status: MessageStatus; errorCode?: string; errorMessage?: string; occurredAt: string; effectId?: string },
): Promise<{ before: MessageStatus | null; after: MessageRow }> {
  await db.$executeRawUnsafe(
    `INSERT INTO messages (id, channel, recipient, status, effect_id) VALUES ($1, $2, $3, $4, $5::uuid) ON CONFLICT (id) DO NOTHING`,
    update.id,
    update.channel,
    update.recipient ?? null,
    update.status,
    update.effectId ?? null,
  );
  const rows = await db.$queryRawUnsafe<MessageRow[]>(
    `SELECT id, channel, recipient, status, error_code AS "errorCode", error_message AS "errorMessage", effect_id AS "effectId", version FROM messages WHERE id = $1 FOR UPDATE`,
    update.id,
  );
  const current = rows[0]!;
  const before = current.version === 0 ? null : current.status;
  const next = mergeMessageStatus(before, update.status);
  const failed = next === 'failed' && update.status === 'failed';
  const after = await db.$queryRawUnsafe<MessageRow[]>(
    `UPDATE messages SET status = $2, version = version + 1, last_occurred_at = greatest(last_occurred_at, $3::timestamptz),
       error_code = CASE WHEN $4 THEN $5 ELSE error_code END, error_message = CASE WHEN $4 THEN $6 ELSE error_message END,
       effect_id = coalesce(effect_id, $7::uuid), recipient = coalesce(recipient, $8), updated_at = now()
     WHERE id = $1
     RETURNING id, channel, recipient, status, error_code AS "errorCode", error_message AS "errorMessage", effect_id AS "effectId", version`,
    update.id,
    next,
    update.occurredAt,
    failed,
    update.errorCode ?? null,
    update.errorMessage ?? null,
    update.effectId ?? null,
    update.recipient ?? null,
  );
  return { before, after: after[0]! };
}
