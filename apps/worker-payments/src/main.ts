import { runWorkerApp } from '@switchyard/worker-runtime';
import { workerSetup } from '@switchyard/outbound';
import { loadEnv, rawEnv } from './env';
import { paymentsWorker } from './payments-worker';

const env = loadEnv();
runWorkerApp({
  service: 'worker-payments',
  queue: 'payments',
  env,
  setup: workerSetup({ file: env.SWITCHYARD_CONFIG, env: rawEnv(), queuePrefix: env.QUEUE_PREFIX }, (settings, clients) => paymentsWorker(settings, clients)),
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
