import { runWorkerApp } from '@switchyard/worker-runtime';
import { workflowSetup } from '@switchyard/outbound';
import { loadEnv, rawEnv } from './env';
import { whatsappWorker } from './whatsapp-worker';

const env = loadEnv();
runWorkerApp({
  service: 'worker-whatsapp',
  queue: 'whatsapp',
  env,
  setup: workflowSetup({ file: env.SWITCHYARD_CONFIG, env: rawEnv(), queuePrefix: env.QUEUE_PREFIX }, (settings, clients) => whatsappWorker(settings, clients)),
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
