import { effectCatalog, type EffectKind, type EffectQueueOf, type EffectRequest } from './effect-catalog';

/** One effect a planner decided on: what, about what, performed by which queue, with its typed request. */
export interface EffectPlanOf<K extends EffectKind> {
  kind: K;
  queue: EffectQueueOf<K>;
  /** With the kind, the ledger's key: planning the same (kind, business key) twice performs it once. */
  businessKey: string;
  provider: string;
  connection: string;
  entityType: string;
  entityKey: string;
  request: EffectRequest<K>;
}

/** Any planned effect; what planners return and recordPlans writes. */
export type EffectPlan = { [K in EffectKind]: EffectPlanOf<K> }[EffectKind];

/** A plan of kind K, on the queue the catalog gives K. */
export function planEffect<K extends EffectKind>(kind: K, plan: Omit<EffectPlanOf<K>, 'kind' | 'queue'>): EffectPlanOf<K> {
  return { kind, queue: effectCatalog[kind].queue, ...plan };
}
