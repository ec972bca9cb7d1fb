import { planEffects, type EffectPlan, type PlannedEffect, type Sql } from '@switchyard/db';
import { performEffectJobOf } from '@switchyard/queues';

/**
 * Records what a planner decided: the effects go to the ledger with their perform-effect jobs, in
 * the caller's transaction. Planners (@switchyard/planning) decide and never write; this writes.
 */
export function recordPlans(tx: Sql, eventId: string | null, plans: EffectPlan[]): Promise<PlannedEffect[]> {
  return planEffects(tx, eventId, plans, performEffectJobOf);
}
