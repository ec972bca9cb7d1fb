export { createServer } from './server';
export type { OpsDeps } from './server';
export { loadEnv } from './env';
export type { OpsEnv } from './env';
export { AlertEvaluator } from './alerts/alert-evaluator';
export type { AlertEvaluatorOptions, AlertTickResult } from './alerts/alert-evaluator';
export { OpsQueues } from './queues/ops-queues';
