import { runWorkerApp } from '@switchyard/worker-runtime';
import { workerSetup } from '@switchyard/outbound';
import { loadEnv, rawEnv } from './env';
import { crmWorker } from './crm-worker';

const env = loadEnv();
runWorkerApp({
  service: 'worker-crm',
  queue: 'crm',
  env,
  setup: workerSetup({ file: env.SWITCHYARD_CONFIG, env: rawEnv(), queuePrefix: env.QUEUE_PREFIX }, (settings, clients) => crmWorker(settings, clients)),
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
