export { paymentsWorker } from './payments-worker';
