import './telemetry';
import { createSettingsHolder } from '@switchyard/outbound';
import { runWorkerApp } from '@switchyard/worker-runtime';
import { loadEnv, rawEnv } from './env';
import { createPaymentsWorker } from './payments-worker-app';

const env = loadEnv();
runWorkerApp({
  service: 'worker-payments',
  env,
  create: (deps, options) => createPaymentsWorker({ ...deps, settings: createSettingsHolder(env.SWITCHYARD_CONFIG, rawEnv()) }, options),
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
