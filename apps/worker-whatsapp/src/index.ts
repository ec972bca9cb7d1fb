export { whatsappWorker } from './whatsapp-worker';
