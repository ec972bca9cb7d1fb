import { workerSetup, type ConfiguredWorkerDeps } from '@switchyard/outbound';
import { createWorkerApp, type WorkerApp, type WorkerAppOptions } from '@switchyard/worker-runtime';
import { whatsappWorker } from './whatsapp-worker';

/** The whatsapp worker app, built from what it is given: main.ts runs it as a process, the e2e fleet in-process. */
export function createWhatsappWorker(deps: ConfiguredWorkerDeps, options: WorkerAppOptions): WorkerApp<'whatsapp'> {
  return createWorkerApp(deps, { ...options, queue: 'whatsapp', setup: workerSetup(deps, options.prefix, whatsappWorker) });
}
