import { PermanentError } from '@switchyard/errors';
import type { HubspotClient } from '@switchyard/connectors';
import type { CrmGateway } from './crm-gateway';

/**
 * HubSpot: batch upserts by unique properties — deals by the configured deal id property, contacts
 * by phone (or email), notes by `switchyard_note_id` — so writing the same thing twice leaves one.
 */
export function hubspotGateway(client: HubspotClient, o: { dealIdProperty: string; contactIdProperty: string }): CrmGateway {
  const one = async (type: string, idProperty: string, id: string, properties: Record<string, string | number | null>) => {
    const [result] = await client.upsert(type, idProperty, [{ id, properties }]);
    if (!result) throw new PermanentError(`HubSpot returned no result for ${type} ${idProperty}=${id}`, 'HUBSPOT_EMPTY_UPSERT');
    return result.id;
  };
  return {
    upsertDeal: (d) =>
      one('deals', o.dealIdProperty, d.externalId, {
        dealname: d.name,
        pipeline: d.pipeline,
        dealstage: d.stage,
        ...(d.amount !== undefined ? { amount: (d.amount / 100).toFixed(2) } : {}),
        ...(d.currency ? { deal_currency_code: d.currency.toUpperCase() } : {}),
        ...(d.owner ? { hubspot_owner_id: d.owner } : {}),
        ...d.properties,
      }),
    upsertContact: (c) => {
      const byPhone = o.contactIdProperty === 'phone' ? c.phone : undefined;
      const idProperty = byPhone ? 'phone' : c.email ? 'email' : 'phone';
      const id = byPhone ?? c.email ?? c.phone;
      if (!id) throw new PermanentError('a HubSpot contact needs a phone or an email', 'CONTACT_WITHOUT_KEY');
      return one('contacts', idProperty, id, { ...(c.phone ? { phone: c.phone } : {}), ...(c.email ? { email: c.email } : {}), ...(c.name ? { firstname: c.name } : {}), ...c.properties });
    },
    addNote: (n) =>
      one('notes', 'switchyard_note_id', n.noteId, {
        hs_note_body: n.body,
        ...(n.deal ? { switchyard_deal_id: n.deal.externalId } : {}),
        ...(n.contact?.phone ? { switchyard_contact_phone: n.contact.phone } : {}),
        ...(n.contact?.email ? { switchyard_contact_email: n.contact.email } : {}),
      }),
  };
}
