import type { Performer } from '@switchyard/worker-runtime';
import { crmFor, type CrmDeps } from '../crm/crm-for';

export function contactUpsertPerformer({ clients, settings }: CrmDeps): Performer<'crm.contact.upsert'> {
  return {
    mode: 'idempotent',
    async perform(effect, { db }) {
      const r = effect.request;
      const id = await crmFor(r, clients, settings, db).upsertContact(r);
      return { providerRef: id, response: { crmKey: `persons:${r.phone ?? r.email}`, crmId: id } };
    },
  };
}
