export { crmWorker } from './crm-worker';
export { createCrmWorker } from './crm-worker-app';
