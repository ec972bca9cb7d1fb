import { tagEventEntity, transaction } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import type { EventHandlerContext } from '@switchyard/worker-runtime';
import { digits, planStageEffects, recordPlans, stageEntityKey, type SettingsHolder } from '@switchyard/workflows';
import { findStageRecipient } from './find-stage-recipient';

/** Workflow 4: a CRM stage or lead status change → the template configured for that stage. */
export async function processStageChanged(event: CanonicalOf<'deal.stage_changed'>, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  await transaction(ctx.db, async (tx) => {
    const recipient = digits(event.contact.phone) ? null : await findStageRecipient(tx, event);
    const plans = planStageEffects(event, settings.current(), recipient);
    await tagEventEntity(tx, ctx.eventId, 'deal', stageEntityKey(event));
    const planned = await recordPlans(tx, ctx.eventId, plans);
    ctx.logger.info('stage change handled', { objectId: event.objectId, newStage: event.newStage, recipientVia: digits(event.contact.phone) ? 'event' : (recipient?.via ?? 'none found'), effects: planned.filter((p) => p.inserted).map((p) => p.kind) });
  });
}
