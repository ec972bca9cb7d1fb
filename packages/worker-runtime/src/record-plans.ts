import { planEffects, type EffectPlan, type PlannedEffect, type Sql } from '@switchyard/db';
import { effectJobId, performEffectJob, type QueueName } from '@switchyard/queues';

/** Writes planned effects to the ledger with their perform-effect jobs, in the caller's transaction. */
export function recordPlans(tx: Sql, eventId: string | null, plans: EffectPlan[]): Promise<PlannedEffect[]> {
  return planEffects(tx, eventId, plans, (queue, effectId) => ({ jobName: performEffectJob[queue as QueueName], jobId: effectJobId(queue as QueueName, effectId) }));
}
