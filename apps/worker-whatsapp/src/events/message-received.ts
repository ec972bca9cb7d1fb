import { recordInbound, recordOptIn, recordOptOut, tagEventEntity, transaction } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { recordPlans, type EventHandlerContext } from '@switchyard/worker-runtime';
import { digits, keywordOf, planInboundMessage } from '@switchyard/planning';
import type { SettingsHolder } from '@switchyard/outbound';

/**
 * Workflow 6: an inbound message opens the 24-hour window, upserts the CRM contact by phone and
 * logs the message on it. A configured opt-out keyword (STOP) records an opt-out that every later
 * send checks; an opt-in keyword (START) records consent.
 */
export async function handleMessageReceived(event: CanonicalOf<'message.received'>, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  const s = settings.current();
  const phone = digits(event.from);
  if (!phone) return;
  await transaction(ctx.db, async (tx) => {
    await recordInbound(tx, { phone, at: event.occurredAt, ...(event.profileName ? { name: event.profileName } : {}) });
    if (keywordOf(event.text, s.consent.optOutKeywords)) await recordOptOut(tx, { phone, at: event.occurredAt });
    else if (keywordOf(event.text, s.consent.optInKeywords)) await recordOptIn(tx, { phone, at: event.occurredAt });
    await tagEventEntity(tx, { eventId: ctx.eventId, entityType: 'contact', entityKey: phone });
    await recordPlans(tx, { eventId: ctx.eventId, plans: planInboundMessage(event, s) });
  });
}
