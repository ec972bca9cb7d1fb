import { planEffects, type Db, type EffectPlan, type PlannedEffect } from '@switchyard/db';
import { effectJobId, performEffectJob, type QueueName } from '@switchyard/queues';

/** Writes planned effects to the ledger with their perform-effect jobs (in the caller's transaction, if any). */
export function recordPlans(db: Db, input: { eventId: string | null; plans: EffectPlan[] }): Promise<PlannedEffect[]> {
  return planEffects(db, { ...input, jobOf: (queue, effectId) => ({ jobName: performEffectJob[queue as QueueName], jobId: effectJobId(queue as QueueName, effectId) }) });
}
