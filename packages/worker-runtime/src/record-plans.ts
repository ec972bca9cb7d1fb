import { recordEffects, type Db, type PlannedEffect } from '@switchyard/db';
import type { EffectPlan } from '@switchyard/planning';
import { performEffectJobOf } from '@switchyard/queues';

/**
 * Records what a planner decided: the effects go to the ledger with their perform-effect jobs (in
 * the caller's transaction, if any). Planners (@switchyard/planning) decide and never write; this writes.
 */
export function recordPlans(db: Db, input: { eventId: string | null; plans: EffectPlan[] }): Promise<PlannedEffect[]> {
  return recordEffects(db, { ...input, jobOf: performEffectJobOf });
}
