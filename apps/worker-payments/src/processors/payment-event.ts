import { addPaymentFact, foldPayment, paymentFactOf, paymentKey, type CanonicalOf, type PaymentFact } from '@switchyard/domain';
import { lockPayment, raiseAttention, savePayment, tagEventEntity, transaction } from '@switchyard/db';
import type { EventHandlerContext } from '@switchyard/worker-runtime';
import { planPaymentEffects, recordPlans, type SettingsHolder } from '@switchyard/workflows';

type PaymentEvent = CanonicalOf<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed'>;

/**
 * Workflows 1–3. Under the payment's row lock (so two replicas or two events never lose an
 * update): add the event as a fact, fold every fact into the state, save it, and write the
 * follow-up effects to the ledger with their outbox jobs — all in one transaction, so a crash or
 * a Redis outage between steps loses nothing. A fact we already have changes nothing.
 */
export async function processPaymentEvent(event: PaymentEvent, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  const key = paymentKey(event);
  await transaction(ctx.db, async (tx) => {
    const row = await lockPayment(tx, key, { provider: event.provider, connection: event.connection, paymentId: event.paymentId });
    await tagEventEntity(tx, ctx.eventId, 'payment', key);
    const facts = addPaymentFact(row.facts as PaymentFact[], paymentFactOf(event));
    if (!facts) {
      ctx.logger.info('payment fact already applied', { paymentKey: key, type: event.type });
      return;
    }
    const state = foldPayment(facts);
    const version = await savePayment(tx, key, facts, state);
    const plans = planPaymentEffects({ event, paymentKey: key, state, version, settings: settings.current() });
    const planned = await recordPlans(tx, ctx.eventId, plans);
    if (event.type === 'payment.disputed')
      await raiseAttention(tx, { kind: 'dispute', entityType: 'payment', entityKey: key, eventId: ctx.eventId, summary: `Dispute ${event.disputeId} on ${event.provider} payment ${event.paymentId}: ${event.reason ?? 'no reason given'} — respond before the deadline` });
    ctx.logger.info('payment updated', { paymentKey: key, type: event.type, status: state.status, version, effects: planned.filter((p) => p.inserted).map((p) => p.kind) });
  });
}
