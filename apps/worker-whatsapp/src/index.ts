export { whatsappWorker } from './whatsapp-worker';
export { createWhatsappWorker } from './whatsapp-worker-app';
