import type { Db } from '../database';
import type { EffectStatus } from '../generated/kysely/enums';
import { transaction } from '../transaction';
import { findEffect, type EffectRow } from './effects';
import { requeueFailedEffect, type ResolveOutcome } from './ops-records';

/**
 * A person's retry or skip of an effect from the ops console. Each changes the row only from the
 * status the person acted on, under the row's lock, so two people clicking at once change it once:
 * the second waits for the first's commit, then finds the new status and is told it.
 */

/** What a person may skip: anything not done and not in flight (a `sending` call may be landing now). */
export const SKIPPABLE_EFFECT_STATUSES: readonly EffectStatus[] = ['pending', 'parked', 'failed'];

export type EffectDecision = ResolveOutcome<EffectRow & { previousStatus: EffectStatus }>;

async function decide(db: Db, id: string, allowed: readonly EffectStatus[], change: (tx: Db) => Promise<boolean>): Promise<EffectDecision> {
  return transaction(db, async (tx): Promise<EffectDecision> => {
    const before = await findEffect(tx, id, { lock: true });
    if (!before) return { ok: false, reason: 'not_found' };
    if (!allowed.includes(before.status) || !(await change(tx))) return { ok: false, reason: 'conflict', current: before.status };
    const after = await findEffect(tx, id);
    return after ? { ok: true, row: { ...after, previousStatus: before.status } } : { ok: false, reason: 'not_found' };
  });
}

/** failed → pending, for a retry whose job the caller adds (through the outbox) in the same transaction. */
export async function retryFailedEffect(db: Db, id: string): Promise<EffectDecision> {
  return decide(db, id, ['failed'], (tx) => requeueFailedEffect(tx, id));
}

/**
 * pending, parked or failed → skipped: it will never run (the effect runner leaves a skipped effect
 * alone, whatever job still carries it). last_error is kept: it says what had gone wrong; the
 * person's reason is in the audit trail.
 */
export async function skipEffect(db: Db, id: string): Promise<EffectDecision> {
  return decide(db, id, SKIPPABLE_EFFECT_STATUSES, async (tx) => {
    const { numUpdatedRows } = await tx
      .updateTable('effects')
      .set({ status: 'skipped', updated_at: new Date() })
      .where('id', '=', id)
      .where('status', 'in', [...SKIPPABLE_EFFECT_STATUSES])
      .executeTakeFirst();
    return numUpdatedRows > 0n;
  });
}
