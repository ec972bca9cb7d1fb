import type { CanonicalOf } from '@switchyard/domain';
import type { Settings } from '@switchyard/settings';
import type { EffectPlan } from '../effect-plan';
import { digits, messagePlan, type UnsentMessage } from './plan-helpers';

type StageEvent = CanonicalOf<'deal.stage_changed'>;

/** Who a stage notification goes to: the event's own contact, or one the worker resolved. */
export interface StageRecipient {
  phone: string;
  name?: string;
  email?: string;
}

/** The provider's stage or status in our vocabulary (statusMappings.crmStages), else as sent. */
export function ourStage(settings: Settings, event: StageEvent): string {
  const table = settings.statusMappings.crmStages[event.provider as 'hubspot' | 'pipedrive' | 'salesforce'];
  return table?.[event.newStage] ?? event.newStage;
}

/** The deal (or lead, or opportunity) a stage event is about: provider:connection:type:id. */
export function stageEntityKey(event: StageEvent): string {
  return `${event.provider}:${event.connection}:${event.objectType}:${event.objectId}`;
}

/**
 * Workflow 4: a CRM stage or lead status change sends the template configured for that stage, to
 * opted-in contacts only (checked again when the message is sent, so a later STOP wins). CRMs
 * rarely put the phone on a stage webhook, so the worker passes the recipient it resolved; the
 * event's own phone wins when it has one.
 */
export function planStageEffects(event: StageEvent, settings: Settings, resolved?: StageRecipient | null, unsent?: UnsentMessage[]): EffectPlan[] {
  const stage = ourStage(settings, event);
  const templateKey = settings.messaging?.stageNotifications[stage];
  const entityKey = stageEntityKey(event);
  const phone = digits(event.contact.phone) ?? resolved?.phone;
  const name = event.contact.name ?? resolved?.name;
  const email = event.contact.email ?? resolved?.email;
  return messagePlan(settings, {
    templateKey,
    to: phone,
    businessKey: `stage:${entityKey}:${stage}`,
    entityType: 'deal',
    entityKey,
    context: { customer: { name, phone, email }, deal: { stage } },
    consent: 'opted_in',
    unsent,
  });
}
