import type { PrismaClient } from '@switchyard/db';
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
  db: PrismaClient;
}

/** The gateway for an effect's CRM target (provider and connection are in the effect's request). */
export function crmFor(target: CrmTarget, clients: OutboundClients, settings: SettingsHolder, db: PrismaClient): CrmGateway {
  const crm = settings.current().crm;
  switch (target.provider) {
    case 'hubspot':
      return hubspotGateway(clients.hubspot(target.connection), { dealIdProperty: crm?.dealIdProperty ?? 'switchyard_order_id', contactIdProperty: crm?.contactIdProperty ?? 'phone' });
    case 'salesforce':
      return salesforceGateway(clients.salesforce(target.connection));
    case 'pipedrive':
      return pipedriveGateway(clients.pipedrive(target.connection), {
        async get(key) {
          const rows = await db.$queryRawUnsafe<{ ref: string }[]>(
            `SELECT provider_ref AS ref FROM effects WHERE provider = 'pipedrive' AND status = 'done' AND response->>'crmKey' = $1 ORDER BY done_at DESC LIMIT 1`,
            key,
          );
          return rows[0] ? Number(rows[0].ref) : undefined;
        },
        async set() {
          // The performer stores { crmKey, crmId } as the effect's response, which `get` reads.
        },
      });
  }
}
