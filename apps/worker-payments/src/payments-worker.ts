import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import type { EventHandler, WorkerSetup } from '@switchyard/worker-runtime';
import { refundPerformer } from './effects/payment-refund';
import { handlePaymentEvent } from './events/payment';
import { handleRefundRequested } from './events/refund-requested';

/** The payments worker: payment events in (workflows 1–3), refunds out. */
export function paymentsWorker(settings: SettingsHolder, clients: OutboundClients): WorkerSetup<'payments'> {
  const payment: EventHandler<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed'> = (event, ctx) => handlePaymentEvent(event, ctx, settings);
  return {
    events: {
      'payment.succeeded': payment,
      'payment.failed': payment,
      'payment.refunded': payment,
      'payment.disputed': payment,
      'generic.received': async (event, ctx) => {
        if (event.sourceType === 'refund.requested') return handleRefundRequested(event, ctx);
        ctx.logger.info('generic event recorded; no workflow for its type', { sourceType: event.sourceType });
      },
    },
    performers: { 'payment.refund': refundPerformer(clients) },
  };
}
