import './telemetry';
import { createSettingsHolder } from '@switchyard/outbound';
import { runWorkerApp } from '@switchyard/worker-runtime';
import { loadEnv, rawEnv } from './env';
import { createWhatsappWorker } from './whatsapp-worker-app';

const env = loadEnv();
runWorkerApp({
  service: 'worker-whatsapp',
  env,
  create: (deps, options) => createWhatsappWorker({ ...deps, settings: createSettingsHolder(env.SWITCHYARD_CONFIG, rawEnv()) }, options),
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
