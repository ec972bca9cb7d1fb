import type { CanonicalOf } from '@switchyard/domain';
import type { Settings } from '@switchyard/settings';
import { planEffect, type EffectPlan } from '../effect-plan';
import type { MessageSendRequest } from '../effect-requests';
import { crmPlan, crmTarget, digits, teamPlans } from './plan-helpers';

type StatusEvent = CanonicalOf<'message.status_changed'>;
type InboundEvent = CanonicalOf<'message.received'>;

/** Meta's "outside the 24-hour window": free-form text refused, a template would have gone out. */
export const OUTSIDE_WINDOW = '131047';

/**
 * Workflow 5: a message that failed gets a CRM timeline note with the error and a team
 * notification. A free-form text refused for being outside the 24-hour window is sent again as
 * its approved template instead (not retried as text).
 */
export function planMessageFailure(event: StatusEvent, settings: Settings, sent: { effectId: string; businessKey: string; request: MessageSendRequest; sentAsText: boolean } | null): EffectPlan[] {
  const entity = { entityType: 'message', entityKey: event.messageId };
  const error = `${event.errorCode ?? 'unknown'}: ${event.errorMessage ?? 'no details'}`;
  const phone = digits(event.recipient ?? sent?.request.to);
  const plans: EffectPlan[] = [];
  if (sent && sent.sentAsText && event.errorCode === OUTSIDE_WINDOW) {
    // The same message as its approved template: without the free-form text.
    const { text: _text, ...request } = sent.request;
    plans.push(planEffect('message.send', { businessKey: `${sent.businessKey}:template-fallback`, provider: 'whatsapp', connection: sent.request.connection, ...entity, request }));
    return plans;
  }
  const body = `WhatsApp message ${event.messageId}${sent ? ` (${sent.request.notification})` : ''} to ${phone ?? 'unknown'} failed: ${error}`;
  plans.push(...crmPlan(crmTarget(settings), { kind: 'crm.note', businessKey: `msg-failed:${event.messageId}`, ...entity, request: { noteId: `msg-failed:${event.messageId}`, body, contact: { phone } } }));
  plans.push(...teamPlans(settings, { event: 'message.failed', subject: event.messageId, ...entity, text: `:warning: ${body}`, data: { messageId: event.messageId, errorCode: event.errorCode } }));
  return plans;
}

/** Workflow 6: an inbound message upserts the CRM contact by phone and logs the message on it. */
export function planInboundMessage(event: InboundEvent, settings: Settings): EffectPlan[] {
  const phone = digits(event.from);
  if (!phone) return [];
  const entity = { entityType: 'contact', entityKey: phone };
  const target = crmTarget(settings);
  return [
    ...crmPlan(target, { kind: 'crm.contact.upsert', businessKey: `inbound-contact:${event.messageId}`, ...entity, request: { phone, ...(event.profileName ? { name: event.profileName } : {}) } }),
    ...crmPlan(target, { kind: 'crm.note', businessKey: `inbound:${event.messageId}`, ...entity, request: { noteId: `inbound:${event.messageId}`, body: `WhatsApp from ${phone}: ${event.text ?? `[${event.messageType}]`}`, contact: { phone } } }),
  ];
}

/** Whole-message keyword match, case-insensitive (`stop`, ` STOP `). */
export function keywordOf(text: string | undefined, keywords: readonly string[]): boolean {
  const t = text?.trim().toUpperCase();
  return !!t && keywords.some((k) => k.trim().toUpperCase() === t);
}
