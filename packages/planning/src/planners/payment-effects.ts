import { isPaid, type CanonicalOf, type PaymentState } from '@switchyard/domain';
import { formatAmount, type Settings, type TemplateContext } from '@switchyard/settings';
import type { EffectPlan } from '../effect-plan';
import { crmPlan, crmTarget, digits, messagePlan, teamPlans, type UnsentMessage } from './plan-helpers';

type PaymentEvent = CanonicalOf<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed'>;

export interface PaymentPlanInput {
  event: PaymentEvent;
  paymentKey: string;
  /** The state after this event's fact was applied (folded over every fact so far). */
  state: PaymentState;
  /** The payment row's version after the change: each version gets one CRM sync. */
  version: number;
  settings: Settings;
  /** Receives the customer messages not planned for want of a value (see messagePlan). */
  unsent?: UnsentMessage[];
}

/** The deal a payment belongs to: its order when the gateway told us, else the payment itself. */
export function dealExternalId(paymentKey: string, state: { orderId: string | null }): string {
  return state.orderId ?? paymentKey;
}

export function paymentContext(event: PaymentEvent, state: PaymentState): TemplateContext {
  const currency = state.currency ?? event.currency;
  return {
    customer: { name: state.customer.name, phone: state.customer.phone, email: state.customer.email },
    // A failure notice's link is where to pay again, from that event; never the payment's dashboard link.
    payment: { amount: state.amount !== null ? formatAmount(state.amount, currency) : undefined, currency: currency.toUpperCase(), id: event.paymentId, link: event.type === 'payment.failed' ? event.link : (state.link ?? undefined), gateway: event.provider },
    order: { id: state.orderId ?? undefined },
    ...(event.type === 'payment.refunded' ? { refund: { amount: formatAmount(event.amount, currency) } } : {}),
  };
}

/**
 * What a payment event makes happen (workflows 1–3). Every effect is keyed by what it is about,
 * so a duplicate or re-run event plans nothing new. Arrival order is handled by the state: a
 * failure learned after the payment succeeded sends no failure notice, and the deal sync reads
 * the payment's current state when it runs, so the deal ends in the stage of the newest state.
 */
export function planPaymentEffects({ event, paymentKey, state, version, settings, unsent }: PaymentPlanInput): EffectPlan[] {
  const target = crmTarget(settings);
  const entity = { entityType: 'payment', entityKey: paymentKey };
  const context = paymentContext(event, state);
  const to = digits(state.customer.phone);
  const consent = settings.consent.transactional;
  const notifications = settings.messaging?.notifications ?? {};
  const deal = { externalId: dealExternalId(paymentKey, state) };
  const amount = context.payment?.amount ?? '';
  const plans: EffectPlan[] = [...crmPlan(target, { kind: 'crm.deal.sync', businessKey: `${paymentKey}@v${version}`, ...entity, request: { paymentKey } })];

  switch (event.type) {
    case 'payment.succeeded': {
      const note = `Payment received: ${amount} via ${event.provider} (payment ${event.paymentId})${state.link ? ` ${state.link}` : ''}`;
      plans.push(...crmPlan(target, { kind: 'crm.note', businessKey: `payment-note:${paymentKey}`, ...entity, request: { noteId: `payment-note:${paymentKey}`, body: note, deal, paymentKey } }));
      plans.push(...messagePlan(settings, { templateKey: notifications.paymentReceipt, to, businessKey: `receipt:${paymentKey}`, ...entity, context, consent, unsent }));
      plans.push(...teamPlans(settings, { event: 'payment.succeeded', subject: paymentKey, ...entity, text: `:moneybag: ${note}`, data: { paymentKey, amount, orderId: state.orderId } }));
      break;
    }
    case 'payment.failed': {
      // Ordering check: a failure we learn about after the payment succeeded tells the customer nothing.
      if (isPaid(state)) break;
      plans.push(...messagePlan(settings, { templateKey: notifications.paymentFailed, to, businessKey: `payment-failed:${paymentKey}`, ...entity, context, consent, unlessPaid: paymentKey, unsent }));
      plans.push(...teamPlans(settings, { event: 'payment.failed', subject: paymentKey, ...entity, text: `Payment failed: ${amount} via ${event.provider} (payment ${event.paymentId})${event.failureMessage ? `: ${event.failureMessage}` : ''}`, data: { paymentKey, failureCode: event.failureCode } }));
      break;
    }
    case 'payment.refunded': {
      // Without a refund id the event only reports the running total (Stripe's charge.refunded since
      // API 2022-11-15): the deal follows the state, and the refund's own event brings the notices.
      if (!event.refundId) break;
      const refundKey = `${paymentKey}:${event.refundId ?? event.providerEventId}`;
      const note = `Refund ${event.full ? '(full)' : '(partial)'}: ${context.refund?.amount ?? ''} via ${event.provider} (payment ${event.paymentId}); refunded so far ${formatAmount(state.refundedAmount, state.currency ?? event.currency)}`;
      plans.push(...crmPlan(target, { kind: 'crm.note', businessKey: `refund-note:${refundKey}`, ...entity, request: { noteId: `refund-note:${refundKey}`, body: note, deal, paymentKey } }));
      plans.push(...messagePlan(settings, { templateKey: notifications.refundNotice, to, businessKey: `refund:${refundKey}`, ...entity, context, consent, unsent }));
      plans.push(...teamPlans(settings, { event: 'payment.refunded', subject: refundKey, ...entity, text: note, data: { paymentKey, refundId: event.refundId } }));
      break;
    }
    case 'payment.disputed': {
      const note = `Dispute opened (${event.reason ?? 'no reason given'}): ${formatAmount(event.amount, event.currency)} on payment ${event.paymentId} via ${event.provider}. A person must respond.`;
      plans.push(...crmPlan(target, { kind: 'crm.note', businessKey: `dispute-note:${paymentKey}:${event.disputeId}`, ...entity, request: { noteId: `dispute-note:${paymentKey}:${event.disputeId}`, body: note, deal, paymentKey } }));
      plans.push(...teamPlans(settings, { event: 'payment.disputed', subject: `${paymentKey}:${event.disputeId}`, ...entity, text: `:rotating_light: ${note}`, data: { paymentKey, disputeId: event.disputeId } }));
      break;
    }
  }
  return plans;
}
