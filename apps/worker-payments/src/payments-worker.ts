import { effectKinds } from '@switchyard/planning';
import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import type { EventHandler, WorkerSetup } from '@switchyard/worker-runtime';
import { refundPerformer } from './effects/payment-refund';
import { processPaymentEvent } from './events/payment';
import { processRefundRequest } from './events/refund-requested';

/** The payments worker: payment events in (workflows 1–3), refunds out. */
export function paymentsWorker(settings: SettingsHolder, clients: OutboundClients): WorkerSetup {
  const handle: EventHandler = async (event, ctx) => {
    switch (event.type) {
      case 'payment.succeeded':
      case 'payment.failed':
      case 'payment.refunded':
      case 'payment.disputed':
        return processPaymentEvent(event, ctx, settings);
      case 'generic.received':
        if (event.sourceType === 'refund.requested') return processRefundRequest(event, ctx);
        ctx.logger.info('generic event recorded; no workflow for its type', { sourceType: event.sourceType });
        return;
      default:
        ctx.logger.warn('event type does not belong on the payments queue; recorded only', { type: event.type });
    }
  };
  return { handle, performers: { [effectKinds.refund.kind]: refundPerformer(clients) } };
}
