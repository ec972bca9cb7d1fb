import type { NewEffect } from '@switchyard/db';
import { effectCatalog, type EffectKind, type EffectQueueOf, type EffectRequest } from './effect-catalog';

/**
 * One effect a planner decided on: what, about what, performed by which queue, with its typed
 * request. The ledger's NewEffect with kind, queue and request narrowed by the catalog, so a plan is
 * what the ledger records, field for field. With the kind, `businessKey` is the ledger's key:
 * planning the same (kind, business key) twice performs it once.
 */
export interface EffectPlanOf<K extends EffectKind> extends Omit<NewEffect, 'kind' | 'queue' | 'request'> {
  kind: K;
  queue: EffectQueueOf<K>;
  request: EffectRequest<K>;
}

/** Any planned effect; what planners return and recordPlans writes. */
export type EffectPlan = { [K in EffectKind]: EffectPlanOf<K> }[EffectKind];

/** A plan of kind K, on the queue the catalog gives K. */
export function planEffect<K extends EffectKind>(kind: K, plan: Omit<EffectPlanOf<K>, 'kind' | 'queue'>): EffectPlanOf<K> {
  return { kind, queue: effectCatalog[kind].queue, ...plan };
}
