export { handlePaymentEvent } from './processors';
