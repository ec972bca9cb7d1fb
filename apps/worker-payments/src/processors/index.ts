import type { EventHandler } from '@switchyard/worker-runtime';

/**
 * Payment events. The foundation only records that the event was processed; the payment
 * state machine and its follow-up work plug in here.
 */
export const handlePaymentEvent: EventHandler = async (event, { logger }) => {
  logger.info('payment event processed', { type: event.type, providerEventId: event.providerEventId, provider: event.provider });
};
