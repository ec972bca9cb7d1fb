import { addPaymentFact, foldPayment, paymentFactOf, paymentKey, type CanonicalOf, type PaymentFact } from '@switchyard/domain';
import { createPaymentWithEffects, lockPayment, markEventProcessedFor, raiseAttention, savePaymentWithEffects, transaction } from '@switchyard/db';
import { performEffectJobOf } from '@switchyard/queues';
import type { EventHandlerContext } from '@switchyard/worker-runtime';
import { planPaymentEffects, unsentMessageAttention, type UnsentMessage } from '@switchyard/planning';
import type { SettingsHolder } from '@switchyard/outbound';

type PaymentEvent = CanonicalOf<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed'>;

/**
 * Workflows 1–3. Under the payment's row lock (so two replicas or two events never lose an
 * update): add the event as a fact, fold every fact into the state, save it, and write the
 * follow-up effects to the ledger with their outbox jobs — all in one transaction, so a crash or
 * a Redis outage between steps loses nothing. A fact we already have changes nothing. The event is
 * tagged with the payment and marked processed in the same transaction, and a dispute raises its
 * attention item there too.
 *
 * Most payments are new when their first event arrives: that case is tried first as ONE statement
 * that creates the payment only if it does not exist (createPaymentWithEffects), with the same
 * fold and plan the locked path would make from no facts. If the payment exists, nothing was
 * written and the locked path runs.
 */
export async function handlePaymentEvent(event: PaymentEvent, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  const key = paymentKey(event);
  const dispute = event.type === 'payment.disputed';
  const ids = { provider: event.provider, connection: event.connection, payment_id: event.paymentId };
  if (!dispute) {
    // The first fact of a new payment: a list of one, nothing to deduplicate or sort.
    const facts = [paymentFactOf(event)];
    const state = foldPayment(facts);
    const unsent: UnsentMessage[] = [];
    const plans = planPaymentEffects({ event, paymentKey: key, state, version: 1, settings: settings.current(), unsent });
    // A message left unsent raises an attention item, which this one statement cannot write: the locked path does.
    const planned = unsent.length ? null : await createPaymentWithEffects(ctx.db, { key, ...ids, facts, state, eventId: ctx.eventId, plans, jobOf: performEffectJobOf });
    if (planned) {
      ctx.eventProcessed?.();
      ctx.logger.info('payment created', { paymentKey: key, type: event.type, status: state.status, version: 1, effects: planned.filter((p) => p.inserted).map((p) => p.kind) });
      return;
    }
  }
  await transaction(ctx.db, async (tx) => {
    const row = await lockPayment(tx, { key, ...ids });
    const facts = addPaymentFact(row.facts as PaymentFact[], paymentFactOf(event));
    if (!facts) {
      await markEventProcessedFor(tx, { eventId: ctx.eventId, entityType: 'payment', entityKey: key });
      ctx.eventProcessed?.();
      ctx.logger.info('payment fact already applied', { paymentKey: key, type: event.type });
      return;
    }
    const state = foldPayment(facts);
    // Saved with its effects in one statement; the row is locked, so this save makes version + 1.
    const version = row.version + 1;
    const unsent: UnsentMessage[] = [];
    const plans = planPaymentEffects({ event, paymentKey: key, state, version, settings: settings.current(), unsent });
    const planned = await savePaymentWithEffects(tx, { key, facts, state, eventId: ctx.eventId, version, plans, jobOf: performEffectJobOf });
    for (const u of unsent) await raiseAttention(tx, unsentMessageAttention(u, ctx.eventId));
    if (unsent.length) ctx.logger.warn('customer message not sent: a value it needs is missing', { paymentKey: key, messages: unsent.map((u) => ({ notification: u.notification, missing: u.missing })) });
    if (dispute)
      await raiseAttention(tx, { kind: 'dispute', entityType: 'payment', entityKey: key, eventId: ctx.eventId, summary: `Dispute ${event.disputeId} on ${event.provider} payment ${event.paymentId}: ${event.reason ?? 'no reason given'} — respond before the deadline` });
    ctx.eventProcessed?.();
    ctx.logger.info('payment updated', { paymentKey: key, type: event.type, status: state.status, version, effects: planned.filter((p) => p.inserted).map((p) => p.kind) });
  });
}
