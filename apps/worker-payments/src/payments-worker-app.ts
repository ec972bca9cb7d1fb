import { workerSetup, type ConfiguredWorkerDeps } from '@switchyard/outbound';
import { createWorkerApp, type WorkerApp, type WorkerAppOptions } from '@switchyard/worker-runtime';
import { paymentsWorker } from './payments-worker';

/** The payments worker app, built from what it is given: main.ts runs it as a process, the e2e fleet in-process. */
export function createPaymentsWorker(deps: ConfiguredWorkerDeps, options: WorkerAppOptions): WorkerApp<'payments'> {
  return createWorkerApp(deps, { ...options, queue: 'payments', setup: workerSetup(deps, options.prefix, paymentsWorker) });
}
