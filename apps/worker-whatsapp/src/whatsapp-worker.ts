import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import type { WorkerSetup } from '@switchyard/worker-runtime';
import { messageSendPerformer } from './effects/message-send';
import { handleMessageReceived } from './events/message-received';
import { handleMessageStatusChanged } from './events/message-status-changed';

/** The messaging worker: WhatsApp/Twilio messages and statuses in; customer messages out. */
export function whatsappWorker(settings: SettingsHolder, clients: OutboundClients): WorkerSetup<'whatsapp'> {
  return {
    events: {
      'message.status_changed': (event, ctx) => handleMessageStatusChanged(event, ctx, settings),
      'message.received': (event, ctx) => handleMessageReceived(event, ctx, settings),
      'template.status_changed': async (event, ctx) => {
        ctx.logger.info('template review result', { template: event.templateName, status: event.status, reason: event.reason });
      },
      'generic.received': async (event, ctx) => {
        ctx.logger.info('event recorded; no messaging workflow for its type', { type: event.type, sourceType: event.sourceType });
      },
    },
    performers: { 'message.send': messageSendPerformer(clients, settings) },
  };
}
