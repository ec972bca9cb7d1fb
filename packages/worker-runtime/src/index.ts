export { createEventWorker } from './event-worker';
export type { EventHandler, EventHandlerContext, EventWorkerOptions } from './event-worker';
export { runWorkerApp } from './worker-app';
export type { WorkerAppOptions } from './worker-app';
export { workerEnvSchema } from './worker-env';
export type { WorkerEnv } from './worker-env';
