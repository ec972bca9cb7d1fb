import { runWorkerApp } from '@switchyard/worker-runtime';
import { workerSetup } from '@switchyard/outbound';
import { loadEnv, rawEnv } from './env';
import { whatsappWorker } from './whatsapp-worker';

const env = loadEnv();
runWorkerApp({
  service: 'worker-whatsapp',
  queue: 'whatsapp',
  env,
  setup: workerSetup({ file: env.SWITCHYARD_CONFIG, env: rawEnv(), queuePrefix: env.QUEUE_PREFIX }, (settings, clients) => whatsappWorker(settings, clients)),
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
