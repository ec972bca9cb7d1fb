export { createServer } from './server';
export type { ReceiverDeps } from './server';
export { createReceiverMetrics } from './http/metrics';
export { connectionsFromEnv, readConnectionsFile, resolveConnections } from './connections/connections';
export type { Connections } from './connections/connections';
export { loadEnv } from './env';
export { createReceiver } from './receiver-app';
export type { ReceiverApp, ReceiverAppDeps, ReceiverAppOptions } from './receiver-app';
