export { paymentsWorker } from './payments-worker';
export { createPaymentsWorker } from './payments-worker-app';
