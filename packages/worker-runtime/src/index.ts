export { createEventWorker } from './event-worker';
export type { EventHandler, EventHandlerContext, EventWorkerOptions } from './event-worker';
export { runEffect } from './effect-runner';
export type { EffectContext, EffectOutcome, EffectPerformer, Performers } from './effect-runner';
export { runWorkerApp } from './worker-app';
export type { WorkerAppOptions, WorkerDeps, WorkerSetup } from './worker-app';
export { workerEnvSchema } from './worker-env';
export type { WorkerEnv } from './worker-env';
