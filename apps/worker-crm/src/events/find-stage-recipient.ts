import { findContact, findPhoneByEmail, findPhoneOfCrmContact, findPhoneOfOurDeal, type Db } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { digits, type StageRecipient } from '@switchyard/planning';

type StageEvent = CanonicalOf<'deal.stage_changed'>;

/**
 * Who a stage notification goes to when the CRM's webhook does not say (HubSpot and Salesforce
 * opportunities carry no contact, Pipedrive only the person id). Answered from our own records,
 * in this order: a deal we created ourselves (a lead's or a payment's, found by the CRM id our
 * effect got back), the person behind the CRM's contact id (a contact we upserted, or one the
 * CRM's own contact webhook told us about), then the event's email among our contacts.
 *
 * Our records rather than a CRM read: no extra call against the CRM's rate limit, it works while
 * the CRM is down, and consent and opt-outs are ours (keyed by phone) anyway, so a person we have
 * never heard of could not be messaged even if the CRM knew their phone.
 */
export async function findStageRecipient(db: Db, event: StageEvent): Promise<(StageRecipient & { via: string }) | null> {
  let found = pick(await findPhoneOfOurDeal(db, { provider: event.provider, objectId: event.objectId }), 'deal we created');
  if (!found && event.contact.id) found = pick(await findPhoneOfCrmContact(db, { provider: event.provider, contactId: event.contact.id }), 'CRM contact id');
  if (!found && event.contact.email) found = pick(await findPhoneByEmail(db, event.contact.email), 'email');
  if (!found) return null;
  const contact = await findContact(db, found.phone);
  return { ...found, ...(contact?.name ? { name: contact.name } : {}), ...(contact?.email ? { email: contact.email } : {}) };
}

function pick(phone: string | null | undefined, via: string): { phone: string; via: string } | null {
  const d = digits(phone);
  return d ? { phone: d, via } : null;
}
