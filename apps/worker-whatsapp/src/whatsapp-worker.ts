import type { EventHandler, WorkerSetup } from '@switchyard/worker-runtime';
import { effectKinds } from '@switchyard/planning';
import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import { messageSendPerformer } from './effects/message-send';
import { processInboundMessage } from './events/message-received';
import { processMessageStatus } from './events/message-status-changed';

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
