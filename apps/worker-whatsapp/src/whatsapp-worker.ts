import type { EventHandler, WorkerSetup } from '@switchyard/worker-runtime';
import { effectKinds, type OutboundClients, type SettingsHolder } from '@switchyard/workflows';
import { messageSendPerformer } from './performers/message-send';
import { processInboundMessage } from './processors/inbound-message';
import { processMessageStatus } from './processors/message-status';

/** The messaging worker: WhatsApp/Twilio messages and statuses in; customer messages out. */
export function whatsappWorker(settings: SettingsHolder, clients: OutboundClients): WorkerSetup {
  const handle: EventHandler = async (event, ctx) => {
    switch (event.type) {
      case 'message.status_changed':
        return processMessageStatus(event, ctx, settings);
      case 'message.received':
        return processInboundMessage(event, ctx, settings);
      case 'template.status_changed':
        ctx.logger.info('template review result', { template: event.templateName, status: event.status, reason: event.reason });
        return;
      default:
        ctx.logger.info('event recorded; no messaging workflow for its type', { type: event.type });
    }
  };
  return { handle, performers: { [effectKinds.messageSend.kind]: messageSendPerformer(clients, settings) } };
}
