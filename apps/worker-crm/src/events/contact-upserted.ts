import { tagEventEntity, transaction, upsertContact } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import type { EventHandlerContext } from '@switchyard/worker-runtime';
import { digits } from '@switchyard/planning';

/**
 * A CRM contact created or updated: we keep what we need to message them (phone, email, name,
 * and consent when the CRM carries `whatsapp_opt_in`). Consent never turns off here: opt-outs
 * come from the person (STOP), and a later send checks them.
 */
export async function handleContactUpserted(event: CanonicalOf<'contact.created' | 'contact.updated'>, ctx: EventHandlerContext): Promise<void> {
  const phone = digits(event.phone ?? (event.properties.phone as string | undefined));
  if (!phone) return;
  const optIn = String(event.properties.whatsapp_opt_in ?? '').toLowerCase() === 'true';
  await transaction(ctx.db, async (tx) => {
    await upsertContact(tx, { phone, ...(event.email ? { email: event.email } : {}), ...(event.name ? { name: event.name } : {}), consent: optIn });
    await tagEventEntity(tx, { eventId: ctx.eventId, entityType: 'contact', entityKey: phone });
  });
}
