import type { Performer } from '@switchyard/worker-runtime';
import { crmFor, type CrmDeps } from '../crm/crm-for';

/** A lead: its contact, then its deal in the configured pipeline with the routed owner. */
export function leadUpsertPerformer({ clients, settings }: CrmDeps): Performer<'crm.lead.upsert'> {
  return {
    mode: 'idempotent',
    async perform(effect, { db }) {
      const r = effect.request;
      const crm = crmFor(r, clients, settings, db);
      if (r.contact.phone || r.contact.email) await crm.upsertContact({ ...r.contact, properties: { ...(r.source ? { lead_source: r.source } : {}) } });
      const id = await crm.upsertDeal({ externalId: r.dealExternalId, name: r.name, pipeline: r.pipeline, stage: r.stage, owner: r.owner, properties: { ...(r.region ? { switchyard_region: r.region } : {}) } });
      return { providerRef: id, response: { crmKey: `deals:${r.dealExternalId}`, crmId: id, owner: r.owner } };
    },
  };
}
