import type { EffectPlan } from '@switchyard/db';
import { renderTemplateParameters, renderText, type Settings, type TemplateContext } from '@switchyard/settings';
import { effectKinds } from '../effect-kinds';
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

/** A customer message from a configured notification, or nothing when it is not configured. */
export function messagePlan(
  settings: Settings,
  o: { templateKey: string | undefined; to: string | undefined; businessKey: string; entityType: string; entityKey: string; context: TemplateContext; consent: MessageSendRequest['consent']; unlessPaid?: string },
): EffectPlan[] {
  const m = settings.messaging;
  if (!m || !o.templateKey || !o.to) return [];
  const template = m.templates[o.templateKey];
  if (!template) return [];
  const request: MessageSendRequest = {
    channel: m.channel,
    connection: m.connection,
    to: o.to,
    notification: o.templateKey,
    template: { name: template.name, language: template.language, parameters: renderTemplateParameters(template, o.context) },
    ...(template.text ? { text: renderText(template.text, o.context) } : {}),
    consent: o.consent,
    ...(o.unlessPaid ? { unlessPaid: o.unlessPaid } : {}),
  };
  return [
    {
      kind: effectKinds.messageSend.kind,
      queue: effectKinds.messageSend.queue,
      businessKey: o.businessKey,
      provider: m.channel === 'twilio' ? 'twilio' : 'whatsapp',
      connection: m.connection,
      entityType: o.entityType,
      entityKey: o.entityKey,
      request: request as unknown as Record<string, unknown>,
    },
  ];
}

/** One post per team channel subscribed to this event. */
export function teamPlans(settings: Settings, o: { event: TeamEvent; subject: string; entityType: string; entityKey: string; text: string; data: Record<string, unknown> }): EffectPlan[] {
  return settings.team.notifications
    .filter((n) => n.events.includes(o.event))
    .map((n) => {
      const request: TeamNotifyRequest = { name: n.name, url: n.url, format: n.format, event: o.event, text: o.text, data: o.data };
      return {
        kind: effectKinds.teamNotify.kind,
        queue: effectKinds.teamNotify.queue,
        businessKey: `${n.name}:${o.event}:${o.subject}`,
        provider: 'http',
        connection: n.name,
        entityType: o.entityType,
        entityKey: o.entityKey,
        request: request as unknown as Record<string, unknown>,
      };
    });
}

export function crmPlan(target: CrmTarget | undefined, o: { kind: { kind: string; queue: string }; businessKey: string; entityType: string; entityKey: string; request: object }): EffectPlan[] {
  if (!target) return [];
  return [{ kind: o.kind.kind, queue: o.kind.queue, businessKey: o.businessKey, provider: target.provider, connection: target.connection, entityType: o.entityType, entityKey: o.entityKey, request: { ...target, ...o.request } }];
}
