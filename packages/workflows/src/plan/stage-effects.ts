import type { EffectPlan } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import type { Settings } from '@switchyard/settings';
import { digits, messagePlan } from './plan-helpers';

type StageEvent = CanonicalOf<'deal.stage_changed'>;

/** The provider's stage or status in our vocabulary (statusMappings.crmStages), else as sent. */
export function ourStage(settings: Settings, event: StageEvent): string {
  const table = settings.statusMappings.crmStages[event.provider as 'hubspot' | 'pipedrive' | 'salesforce'];
  return table?.[event.newStage] ?? event.newStage;
}

/**
 * Workflow 4: a CRM stage or lead status change sends the template configured for that stage, to
 * opted-in contacts only (checked again when the message is sent, so a later STOP wins).
 */
export function planStageEffects(event: StageEvent, settings: Settings): EffectPlan[] {
  const stage = ourStage(settings, event);
  const templateKey = settings.messaging?.stageNotifications[stage];
  const entityKey = `${event.provider}:${event.connection}:${event.objectType}:${event.objectId}`;
  return messagePlan(settings, {
    templateKey,
    to: digits(event.contact.phone),
    businessKey: `stage:${entityKey}:${stage}`,
    entityType: 'deal',
    entityKey,
    context: { customer: { name: event.contact.name, phone: event.contact.phone, email: event.contact.email }, deal: { stage } },
    consent: 'opted_in',
  });
}
