import './telemetry';
import { createSettingsHolder } from '@switchyard/outbound';
import { runWorkerApp } from '@switchyard/worker-runtime';
import { loadEnv, rawEnv } from './env';
import { createCrmWorker } from './crm-worker-app';

const env = loadEnv();
runWorkerApp({
  service: 'worker-crm',
  env,
  create: (deps, options) => createCrmWorker({ ...deps, settings: createSettingsHolder(env.SWITCHYARD_CONFIG, rawEnv()) }, options),
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
