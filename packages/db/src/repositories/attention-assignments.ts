import type { Db } from '../database';
import { findAttentionItem, resolvedNote, type AttentionWithEvent, type ResolveOutcome } from './ops-records';

/**
 * The kinds of attention item the fleet raises, for validating the inbox's `kind` filter: a dispute
 * (worker-payments), a send whose outcome is unknown (the effect runner's park), an event stored
 * but not mapped (the receiver).
 */
export const attentionKinds = ['dispute', 'effect_outcome_unknown', 'unmapped_event'] as const;

/**
 * Hands an open item to a person (null: to nobody). Only open items: a resolved one is a conflict,
 * since nobody needs to work on it any more.
 */
export async function assignAttention(db: Db, input: { id: string; assignee: string | null }): Promise<ResolveOutcome<AttentionWithEvent>> {
  const { numUpdatedRows } = await db
    .updateTable('attention_items')
    .set({ assignee: input.assignee, assigned_at: input.assignee === null ? null : new Date() })
    .where('id', '=', input.id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  const row = await findAttentionItem(db, input.id);
  if (!row) return { ok: false, reason: 'not_found' };
  if (numUpdatedRows === 0n) return { ok: false, reason: 'conflict', current: resolvedNote(row) };
  return { ok: true, row };
}
