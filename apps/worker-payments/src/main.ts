import { runWorkerApp } from '@switchyard/worker-runtime';
import { loadEnv } from './env';
import { handlePaymentEvent } from './processors';

runWorkerApp({ service: 'worker-payments', queue: 'payments', env: loadEnv(), handle: handlePaymentEvent }).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
