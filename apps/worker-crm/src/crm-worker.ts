import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import type { WorkerSetup } from '@switchyard/worker-runtime';
import { contactUpsertPerformer } from './effects/crm-contact-upsert';
import { dealSyncPerformer } from './effects/crm-deal-sync';
import { leadUpsertPerformer } from './effects/crm-lead-upsert';
import { crmNotePerformer } from './effects/crm-note';
import { teamNotifyPerformer } from './effects/team-notify';
import { handleContactUpserted } from './events/contact-upserted';
import { handleDealStageChanged } from './events/deal-stage-changed';
import { handleLeadSubmitted } from './events/lead-submitted';

/** The CRM worker: CRM events and lead forms in; CRM writes and team notifications out. */
export function crmWorker(settings: SettingsHolder, clients: OutboundClients): WorkerSetup<'crm'> {
  const d = { clients, settings };
  return {
    events: {
      'deal.stage_changed': (event, ctx) => handleDealStageChanged(event, ctx, settings),
      'contact.created': handleContactUpserted,
      'contact.updated': handleContactUpserted,
      'lead.submitted': (event, ctx) => handleLeadSubmitted(event, ctx, settings),
      'generic.received': async (event, ctx) => {
        ctx.logger.info('event recorded; no CRM workflow for its type', { type: event.type, sourceType: event.sourceType });
      },
    },
    performers: {
      'crm.deal.sync': dealSyncPerformer(d),
      'crm.note': crmNotePerformer(d),
      'crm.contact.upsert': contactUpsertPerformer(d),
      'crm.lead.upsert': leadUpsertPerformer(d),
      'team.notify': teamNotifyPerformer(clients),
    },
  };
}
