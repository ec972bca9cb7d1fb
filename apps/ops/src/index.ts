export { createServer } from './server';
export type { OpsDeps } from './server';
export { loadEnv } from './env';
export type { OpsEnv } from './env';
