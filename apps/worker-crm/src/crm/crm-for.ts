import { findCrmObjectRef, type Db } from '@switchyard/db';
import type { CrmTarget } from '@switchyard/planning';
import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import type { CrmGateway } from './crm-gateway';
import { hubspotGateway } from './hubspot-gateway';
import { pipedriveGateway } from './pipedrive-gateway';
import { salesforceGateway } from './salesforce-gateway';

/** What the CRM performers need. */
export interface CrmDeps {
  clients: OutboundClients;
  settings: SettingsHolder;
}

/** The gateway for an effect's CRM target (provider and connection are in the effect's request). */
export function crmFor(target: CrmTarget, clients: OutboundClients, settings: SettingsHolder, db: Db): CrmGateway {
  const crm = settings.current().crm;
  switch (target.provider) {
    case 'hubspot':
      return hubspotGateway(clients.hubspot(target.connection), { dealIdProperty: crm?.dealIdProperty ?? 'switchyard_order_id', contactIdProperty: crm?.contactIdProperty ?? 'phone' });
    case 'salesforce':
      return salesforceGateway(clients.salesforce(target.connection));
    case 'pipedrive':
      return pipedriveGateway(clients.pipedrive(target.connection), {
        async get(key) {
          const ref = await findCrmObjectRef(db, { provider: 'pipedrive', crmKey: key });
          return ref === null ? undefined : Number(ref);
        },
        async set() {
          // The performer stores { crmKey, crmId } as the effect's response, which `get` reads.
        },
      });
  }
}
