import { tagEventEntity, transaction } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import type { EventHandlerContext } from '@switchyard/worker-runtime';
import { planStageEffects, recordPlans, type SettingsHolder } from '@switchyard/workflows';

/** Workflow 4: a CRM stage or lead status change → the template configured for that stage. */
export async function processStageChanged(event: CanonicalOf<'deal.stage_changed'>, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  const plans = planStageEffects(event, settings.current());
  await transaction(ctx.db, async (tx) => {
    await tagEventEntity(tx, ctx.eventId, 'deal', `${event.provider}:${event.connection}:${event.objectType}:${event.objectId}`);
    await recordPlans(tx, ctx.eventId, plans);
  });
  ctx.logger.info('stage change handled', { objectId: event.objectId, newStage: event.newStage, effects: plans.map((p) => p.businessKey) });
}
