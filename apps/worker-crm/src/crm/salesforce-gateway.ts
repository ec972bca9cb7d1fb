import type { SalesforceClient } from '@switchyard/connectors';
import { PermanentError } from '@switchyard/errors';
import type { CrmGateway } from './crm-gateway';

/** Salesforce: upserts by external id fields (Opportunity, Contact, Task as the note). */
export function salesforceGateway(client: SalesforceClient): CrmGateway {
  return {
    upsertDeal: async (d) =>
      (
        await client.upsert('Opportunity', 'Switchyard_Id__c', d.externalId, {
          Name: d.name,
          StageName: d.stage,
          ...(d.amount !== undefined ? { Amount: d.amount / 100 } : {}),
          ...(d.owner ? { OwnerId: d.owner } : {}),
          ...d.properties,
        })
      ).id,
    upsertContact: async (c) => {
      const key = c.phone ?? c.email;
      if (!key) throw new PermanentError('a Salesforce contact needs a phone or an email', 'CONTACT_WITHOUT_KEY');
      return (await client.upsert('Contact', 'Switchyard_Key__c', key, { LastName: c.name ?? key, ...(c.phone ? { Phone: c.phone } : {}), ...(c.email ? { Email: c.email } : {}), ...c.properties })).id;
    },
    addNote: async (n) =>
      (await client.upsert('Task', 'Switchyard_Note_Id__c', n.noteId, { Subject: n.body.slice(0, 255), Description: n.body, ...(n.deal ? { Switchyard_Deal_Id__c: n.deal.externalId } : {}) })).id,
  };
}
