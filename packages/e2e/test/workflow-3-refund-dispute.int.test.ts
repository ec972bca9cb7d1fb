import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';
import { effectsWhere, expectCausedBy, hubspotState, refusedByOutage, teamPosts, whatsappSends } from './support/workflow-helpers';
import { must } from '@switchyard/testing';

/** HubSpot answers 503 to this many calls while the hostile variant runs. */
const OUTAGE = 6;

interface PaymentRow {
  key: string;
  status: string;
  amount: number;
  refunded_amount: number;
  disputed: boolean;
}

/**
 * Workflow 3: a refund (partial or full) updates the payment and the CRM deal and tells the
 * customer; a dispute flags the deal (stage + note), alerts the team and stays in the ops
 * console's attention list until a person resolves it.
 */
describe('workflow 3: refund and dispute', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });

  const paymentOf = async (paymentId: string) => fleet.db.$queryRawUnsafe<PaymentRow[]>(`SELECT key, status, amount, refunded_amount, disputed FROM payments WHERE payment_id = $1`, paymentId);
  const attentionOf = async (key: string) =>
    fleet.db.$queryRawUnsafe<{ kind: string; entity_type: string; event_id: string | null; summary: string; resolved_at: Date | null }[]>(`SELECT kind, entity_type, event_id::text AS event_id, summary, resolved_at FROM attention_items WHERE entity_key = $1`, key);

  it('partial refund → payment and deal partially refunded, refund notice once; dispute → deal disputed + note, team alert, attention item', async () => {
    const subject = createSubject(mulberry32(301));
    const opts = { subject, to: fleet.receiverUrl };
    await fleet.deliver(buildWebhook('stripe', 'payment_intent.succeeded', { ...opts, now: Date.now() - 120_000 }));
    await fleet.settled();
    // Stripe (API 2022-11-15 and later) sends both: the charge's running total and the refund itself.
    await fleet.deliver(buildWebhook('stripe', 'charge.refunded.partial', { ...opts, now: Date.now() - 60_000 }));
    await fleet.deliver(buildWebhook('stripe', 'refund.created.partial', { ...opts, now: Date.now() - 59_000 }));
    await fleet.settled();

    const [refunded] = await paymentOf(subject.stripe.paymentIntent);
    expect(refunded).toMatchObject({ status: 'partially_refunded', refunded_amount: Math.floor(subject.amount / 2), disputed: false });
    let hubspot = await hubspotState(fleet);
    expect(hubspot.deals).toHaveLength(1);
    expect(must(hubspot.deals[0]).properties.dealstage).toBe('partially_refunded');
    expect(hubspot.notes.map((n) => n.properties.hs_note_body)).toEqual([expect.stringContaining('Payment received'), expect.stringContaining('Refund (partial)')]);
    expect(await whatsappSends(fleet, subject.phone)).toEqual([
      { to: subject.phone, type: 'template', template: 'payment_receipt' },
      { to: subject.phone, type: 'template', template: 'refund_notice' },
    ]);

    const dispute = buildWebhook('stripe', 'charge.dispute.created', opts);
    await fleet.deliver(dispute);
    await fleet.deliver(dispute); // Stripe's retry
    await fleet.settled();

    const [disputed] = await paymentOf(subject.stripe.paymentIntent);
    expect(disputed).toMatchObject({ status: 'partially_refunded', disputed: true });
    hubspot = await hubspotState(fleet);
    expect(hubspot.deals).toHaveLength(1);
    expect(must(hubspot.deals[0]).properties.dealstage).toBe('disputed');
    const notes = hubspot.notes.map((n) => n.properties.hs_note_body);
    expect(notes).toHaveLength(3);
    expect(notes[2]).toMatch(/Dispute opened \(fraudulent\).*A person must respond/);
    // No customer message for a dispute; the team is told a person must act.
    expect((await whatsappSends(fleet, subject.phone)).map((m) => m.template)).toEqual(['payment_receipt', 'refund_notice']);
    const alerts = (await teamPosts(fleet)).filter((t) => t.includes('Dispute opened'));
    expect(alerts).toEqual([expect.stringMatching(/^:rotating_light: Dispute opened.*A person must respond/)]);

    const attention = await attentionOf(must(disputed).key);
    expect(attention).toEqual([{ kind: 'dispute', entity_type: 'payment', event_id: expect.any(String), summary: expect.stringContaining('respond before the deadline'), resolved_at: null }]);

    const effects = await effectsWhere(fleet, 'entity_key = $1', must(disputed).key);
    expect(effects.every((e) => e.status === 'done')).toBe(true);
    expect(effects.filter((e) => e.kind === 'crm.note').map((e) => e.business_key)).toEqual([
      `payment-note:${must(disputed).key}`,
      expect.stringMatching(new RegExp(`^refund-note:${must(disputed).key}:`)),
      expect.stringMatching(new RegExp(`^dispute-note:${must(disputed).key}:dp_`)),
    ]);
    await expectCausedBy(fleet, effects, { type: 'payment', key: must(disputed).key }, ['payment.succeeded', 'payment.refunded', 'payment.disputed']);
    const disputeEvent = await fleet.db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text AS id FROM inbound_events WHERE canonical_type = 'payment.disputed' AND entity_key = $1`, must(disputed).key);
    expect(disputeEvent).toHaveLength(1);
    expect(must(attention[0]).event_id).toBe(must(disputeEvent[0]).id);
    expect(effects.filter((e) => e.business_key.startsWith('dispute-note:') || e.business_key.includes(':payment.disputed:')).map((e) => e.event_id)).toEqual([must(disputeEvent[0]).id, must(disputeEvent[0]).id]);
  });

  it('full refund and chargeback, shuffled and duplicated during a CRM outage: same end state, each effect once', async () => {
    const subject = createSubject(mulberry32(302));
    const base = Date.now() - 600_000;
    const at = (minutes: number) => ({ subject, to: fleet.receiverUrl, now: base + minutes * 60_000 });
    const captured = buildWebhook('razorpay', 'payment.captured', at(0));
    const refund = buildWebhook('razorpay', 'refund.processed', at(1));
    const dispute = buildWebhook('razorpay', 'payment.dispute.created', at(2));
    const hubspotBefore = (await hubspotState(fleet)).deals.length;
    await fleet.addFault({ provider: 'hubspot', type: 'error', status: 503, count: OUTAGE });
    // The refund before the capture it refunds, every event twice. (The dispute comes after an event
    // that names the order: Razorpay's dispute carries it, but the canonical dispute has no order id yet.)
    for (const request of [refund, captured, dispute, refund, dispute, captured]) await fleet.deliver(request);
    await fleet.settled(50_000);

    const payments = await paymentOf(subject.razorpay.payment);
    expect(payments).toHaveLength(1);
    const payment = must(payments[0]);
    expect(payment).toMatchObject({ status: 'refunded', refunded_amount: subject.amount, disputed: true });

    const hubspot = await hubspotState(fleet);
    expect(hubspot.deals).toHaveLength(hubspotBefore + 1);
    const deal = hubspot.deals.find((d) => d.properties.switchyard_order_id === subject.razorpay.order);
    expect(deal?.properties.dealstage).toBe('disputed');
    const notes = hubspot.notes.filter((n) => n.properties.switchyard_deal_id === subject.razorpay.order).map((n) => n.properties.hs_note_body);
    expect(notes).toHaveLength(3);
    expect(notes).toEqual(expect.arrayContaining([expect.stringContaining('Payment received'), expect.stringContaining('Refund (full)'), expect.stringContaining('Dispute opened (chargeback)')]));

    const sends = await whatsappSends(fleet, subject.phone);
    expect(sends.map((s) => s.template).sort()).toEqual(['payment_receipt', 'refund_notice']);
    expect((await teamPosts(fleet)).filter((t) => t.includes(subject.razorpay.payment) && t.includes('Dispute opened'))).toHaveLength(1);
    expect(await attentionOf(payment.key)).toEqual([expect.objectContaining({ kind: 'dispute', resolved_at: null })]);

    const effects = await effectsWhere(fleet, 'entity_key = $1', payment.key);
    expect(effects.map((e) => e.status)).toEqual(effects.map(() => 'done'));
    const keys = effects.map((e) => `${e.kind} ${e.business_key}`);
    expect(new Set(keys).size).toBe(keys.length);
    // The outage really happened: HubSpot refused calls while the events were handled.
    expect(await refusedByOutage(fleet)).toBe(OUTAGE);
    await expectCausedBy(fleet, effects, { type: 'payment', key: payment.key }, ['payment.succeeded', 'payment.refunded', 'payment.disputed']);
  });
});
