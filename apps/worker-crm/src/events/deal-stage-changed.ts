import { raiseAttention, tagEventEntity, transaction } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { recordPlans, type EventHandlerContext } from '@switchyard/worker-runtime';
import { digits, planStageEffects, stageEntityKey, unsentMessageAttention, type UnsentMessage } from '@switchyard/planning';
import type { SettingsHolder } from '@switchyard/outbound';
import { findStageRecipient } from './find-stage-recipient';

/** Workflow 4: a CRM stage or lead status change → the template configured for that stage. */
export async function handleDealStageChanged(event: CanonicalOf<'deal.stage_changed'>, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  await transaction(ctx.db, async (tx) => {
    const recipient = digits(event.contact.phone) ? null : await findStageRecipient(tx, event);
    const unsent: UnsentMessage[] = [];
    const plans = planStageEffects(event, settings.current(), recipient, unsent);
    await tagEventEntity(tx, { eventId: ctx.eventId, entityType: 'deal', entityKey: stageEntityKey(event) });
    const planned = await recordPlans(tx, { eventId: ctx.eventId, plans });
    for (const u of unsent) await raiseAttention(tx, unsentMessageAttention(u, ctx.eventId));
    ctx.logger.info('stage change handled', { objectId: event.objectId, newStage: event.newStage, recipientVia: digits(event.contact.phone) ? 'event' : (recipient?.via ?? 'none found'), effects: planned.filter((p) => p.inserted).map((p) => p.kind) });
  });
}
