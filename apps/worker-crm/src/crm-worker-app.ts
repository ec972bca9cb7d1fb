import { workerSetup, type ConfiguredWorkerDeps } from '@switchyard/outbound';
import { createWorkerApp, type WorkerApp, type WorkerAppOptions } from '@switchyard/worker-runtime';
import { crmWorker } from './crm-worker';

/** The crm worker app, built from what it is given: main.ts runs it as a process, the e2e fleet in-process. */
export function createCrmWorker(deps: ConfiguredWorkerDeps, options: WorkerAppOptions): WorkerApp<'crm'> {
  return createWorkerApp(deps, { ...options, queue: 'crm', setup: workerSetup(deps, options.prefix, crmWorker) });
}
