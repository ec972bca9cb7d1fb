import type { EventHandler, WorkerDeps, WorkerSetup } from '@switchyard/worker-runtime';
import { effectKinds } from '@switchyard/planning';
import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import { contactUpsertPerformer, crmNotePerformer, dealSyncPerformer, leadUpsertPerformer } from './effects/crm-deal-sync';
import { teamNotifyPerformer } from './effects/team-notify';
import { processContactChanged } from './events/contact-upserted';
import { processLeadSubmitted } from './events/lead-submitted';
import { processStageChanged } from './events/deal-stage-changed';

/** The CRM worker: CRM events and lead forms in; CRM writes and team notifications out. */
export function crmWorker(settings: SettingsHolder, clients: OutboundClients, deps: Pick<WorkerDeps, 'db'>): WorkerSetup {
  const handle: EventHandler = async (event, ctx) => {
    switch (event.type) {
      case 'deal.stage_changed':
        return processStageChanged(event, ctx, settings);
      case 'contact.created':
      case 'contact.updated':
        return processContactChanged(event, ctx);
      case 'lead.submitted':
        return processLeadSubmitted(event, ctx, settings);
      default:
        ctx.logger.info('event recorded; no CRM workflow for its type', { type: event.type });
    }
  };
  const d = { clients, settings, db: deps.db };
  return {
    handle,
    performers: {
      [effectKinds.dealSync.kind]: dealSyncPerformer(d),
      [effectKinds.crmNote.kind]: crmNotePerformer(d),
      [effectKinds.contactUpsert.kind]: contactUpsertPerformer(d),
      [effectKinds.leadUpsert.kind]: leadUpsertPerformer(d),
      [effectKinds.teamNotify.kind]: teamNotifyPerformer(clients),
    },
  };
}
