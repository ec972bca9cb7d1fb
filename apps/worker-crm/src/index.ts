export { crmWorker } from './crm-worker';
