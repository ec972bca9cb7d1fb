import { missingTemplateValues, renderTemplateParameters, renderText, type Settings, type TemplateContext } from '@switchyard/settings';
import type { EffectKind, EffectRequest } from '../effect-catalog';
import { planEffect, type EffectPlanOf } from '../effect-plan';
import type { CrmTarget, MessageSendRequest, TeamNotifyRequest } from '../effect-requests';

export type TeamEvent = Settings['team']['notifications'][number]['events'][number];

/** Phone numbers as digits only, the form WhatsApp's wa_id and our contacts use. */
export function digits(phone: string | undefined | null): string | undefined {
  const d = phone?.replace(/\D/g, '');
  return d && d.length >= 8 ? d : undefined;
}

export function crmTarget(settings: Settings): CrmTarget | undefined {
  return settings.crm ? { provider: settings.crm.provider, connection: settings.crm.connection } : undefined;
}

/** A customer message that was not planned because a value it needs is empty and has no fallback. */
export interface UnsentMessage {
  notification: string;
  businessKey: string;
  entityType: string;
  entityKey: string;
  /** The template paths with no value, e.g. `customer.name`. */
  missing: string[];
}

/** The attention item that tells a person which value was missing for which entity. */
export function unsentMessageAttention(u: UnsentMessage, eventId: string | null): { kind: string; entityType: string; entityKey: string; eventId: string | null; summary: string } {
  return {
    kind: `message.missing_value:${u.notification}`,
    entityType: u.entityType,
    entityKey: u.entityKey,
    eventId,
    summary: `Message ${u.notification} for ${u.entityType} ${u.entityKey} not sent: no value for ${u.missing.join(', ')}. Have the gateway send it, or give the parameter a fallback in messaging.templates.${u.notification}.parameters.`,
  };
}

/**
 * A customer message from a configured notification, or nothing when it is not configured. A
 * message whose template needs a value the context lacks (and that has no fallback) is not
 * planned: it is reported in `o.unsent` for an attention item, because WhatsApp refuses an empty
 * template parameter and a half-filled text reads as a mistake.
 *
 * The request carries the values (`context`) beside the rendering: the sending worker renders the
 * template again with the settings it has then, so a reload reaches messages already planned.
 */
export function messagePlan(
  settings: Settings,
  o: { templateKey: string | undefined; to: string | undefined; businessKey: string; entityType: string; entityKey: string; context: TemplateContext; consent: MessageSendRequest['consent']; unlessPaid?: string; unsent?: UnsentMessage[] },
): EffectPlanOf<'message.send'>[] {
  const m = settings.messaging;
  if (!m || !o.templateKey || !o.to) return [];
  const template = m.templates[o.templateKey];
  if (!template) return [];
  const missing = missingTemplateValues(template, o.context);
  if (missing.length) {
    o.unsent?.push({ notification: o.templateKey, businessKey: o.businessKey, entityType: o.entityType, entityKey: o.entityKey, missing });
    return [];
  }
  const request: MessageSendRequest = {
    channel: m.channel,
    connection: m.connection,
    to: o.to,
    notification: o.templateKey,
    template: { name: template.name, language: template.language, parameters: renderTemplateParameters(template, o.context) },
    ...(template.text ? { text: renderText(template.text, o.context, template.fallbacks) } : {}),
    context: o.context,
    consent: o.consent,
    ...(o.unlessPaid ? { unlessPaid: o.unlessPaid } : {}),
  };
  return [planEffect('message.send', { businessKey: o.businessKey, provider: m.channel === 'twilio' ? 'twilio' : 'whatsapp', connection: m.connection, entityType: o.entityType, entityKey: o.entityKey, request })];
}

/** One post per team channel subscribed to this event. */
export function teamPlans(settings: Settings, o: { event: TeamEvent; subject: string; entityType: string; entityKey: string; text: string; data: Record<string, unknown> }): EffectPlanOf<'team.notify'>[] {
  return settings.team.notifications
    .filter((n) => n.events.includes(o.event))
    .map((n) => {
      const request: TeamNotifyRequest = { name: n.name, url: n.url, format: n.format, event: o.event, text: o.text, data: o.data };
      return planEffect('team.notify', { businessKey: `${n.name}:${o.event}:${o.subject}`, provider: 'http', connection: n.name, entityType: o.entityType, entityKey: o.entityKey, request });
    });
}

/** The CRM effects: each request names the CRM connection it writes to. */
type CrmKind = { [K in EffectKind]: EffectRequest<K> extends CrmTarget ? K : never }[EffectKind];

/** A CRM effect on the configured CRM, or nothing when no CRM is configured. */
export function crmPlan<K extends CrmKind>(target: CrmTarget | undefined, o: { kind: K; businessKey: string; entityType: string; entityKey: string; request: Omit<EffectRequest<K>, keyof CrmTarget> }): EffectPlanOf<K>[] {
  if (!target) return [];
  // The target completes the request: Omit<R, keyof CrmTarget> & CrmTarget is R, which TypeScript cannot see through the generic K.
  const request = { ...target, ...o.request } as EffectRequest<K>;
  return [planEffect(o.kind, { businessKey: o.businessKey, provider: target.provider, connection: target.connection, entityType: o.entityType, entityKey: o.entityKey, request })];
}
