import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { eventually, must } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';
import { effectsWhere, expectCausedBy, hubspotState, refusedByOutage, whatsappSends } from './support/workflow-helpers';

/** HubSpot answers 503 to this many calls while the hostile variant runs. */
const OUTAGE = 6;

/**
 * Workflow 2: a failed payment flags the CRM deal and sends the "payment failed, here is a retry
 * link" template. When the customer then pays, the deal ends in the paid stage, the receipt goes
 * out, and a failure notice still waiting is not sent late.
 */
describe('workflow 2: payment failed', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });

  const dealOf = async (orderId: string) => (await hubspotState(fleet)).deals.filter((d) => d.properties.switchyard_order_id === orderId);
  const paymentOf = async (phone: string) =>
    fleet.db.$queryRawUnsafe<{ key: string; status: string; order_id: string }[]>(`SELECT key, status, order_id FROM payments WHERE regexp_replace(customer->>'phone', '[^0-9]', '', 'g') = $1`, phone);

  it('flags the deal and sends the failure notice; paying afterwards ends the deal paid with one receipt', async () => {
    const subject = createSubject(mulberry32(2201));
    const opts = { subject, to: fleet.receiverUrl };
    await fleet.deliver(buildWebhook('razorpay', 'payment.failed', { ...opts, now: Date.now() - 120_000 }));
    await fleet.settled();

    const [failed] = await paymentOf(subject.phone);
    expect(failed).toMatchObject({ status: 'failed' });
    const flagged = await dealOf(must(failed).order_id);
    expect(flagged.map((d) => d.properties.dealstage)).toEqual(['payment_failed']);
    expect((await whatsappSends(fleet, subject.phone)).map((m) => m.template)).toEqual(['payment_failed']);

    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { ...opts, now: Date.now() - 60_000 }));
    await fleet.settled();
    const [paid] = await paymentOf(subject.phone);
    expect(paid).toMatchObject({ status: 'succeeded' });
    expect((await dealOf(must(paid).order_id)).map((d) => d.properties.dealstage)).toEqual(['closedwon']);
    expect((await whatsappSends(fleet, subject.phone)).map((m) => m.template)).toEqual(['payment_failed', 'payment_receipt']);
    await expectCausedBy(fleet, await effectsWhere(fleet, 'entity_key = $1', must(paid).key), { type: 'payment', key: must(paid).key }, ['payment.failed', 'payment.succeeded']);
  });

  it('hostile: failure and payment delivered twice, out of order, during a CRM outage: the deal ends paid, no failure notice goes out late', async () => {
    // A second fleet whose messaging worker starts late: the failure notice is planned but waits.
    const late = await startFleet({ replicas: { whatsapp: 0 } });
    try {
      await hostile(late);
    } finally {
      await late.close();
    }
  });

  async function hostile(fleet: Fleet): Promise<void> {
    const dealOf = async (orderId: string) => (await hubspotState(fleet)).deals.filter((d) => d.properties.switchyard_order_id === orderId);
    const paymentOf = async (phone: string) =>
      fleet.db.$queryRawUnsafe<{ key: string; status: string; order_id: string }[]>(`SELECT key, status, order_id FROM payments WHERE regexp_replace(customer->>'phone', '[^0-9]', '', 'g') = $1`, phone);
    const subject = createSubject(mulberry32(2202));
    const opts = { subject, to: fleet.receiverUrl };
    const failed = buildWebhook('razorpay', 'payment.failed', { ...opts, now: Date.now() - 120_000 });
    const captured = buildWebhook('razorpay', 'payment.captured', { ...opts, now: Date.now() - 60_000 });
    await fleet.addFault({ provider: 'hubspot', type: 'error', status: 503, count: OUTAGE });
    await fleet.deliver(failed);
    await fleet.deliver(failed);
    await eventually(async () => (await effectsWhere(fleet, `kind = 'message.send'`)).length === 1, 10_000, 50, 'the failure notice to be planned');
    await fleet.deliver(captured);
    await fleet.deliver(failed);
    await fleet.deliver(captured);
    await eventually(async () => (await paymentOf(subject.phone))[0]?.status === 'succeeded', 10_000, 50, 'the payment to succeed');
    await fleet.startWorker('whatsapp');
    await fleet.settled(60_000);

    expect(await refusedByOutage(fleet)).toBe(OUTAGE);
    const [paid] = await paymentOf(subject.phone);
    expect(paid).toMatchObject({ status: 'succeeded' });
    expect((await dealOf(must(paid).order_id)).map((d) => d.properties.dealstage)).toEqual(['closedwon']);
    // The notice was planned while the payment had failed, and skipped when its turn came: it is no longer true.
    const notices = await effectsWhere(fleet, `business_key = $1`, `payment-failed:${must(paid).key}`);
    expect(notices.map((n) => [n.status, n.last_error])).toEqual([['skipped', expect.stringContaining('has succeeded since')]]);
    expect((await whatsappSends(fleet, subject.phone)).map((m) => m.template)).toEqual(['payment_receipt']);
    const effects = await effectsWhere(fleet, 'entity_key = $1', must(paid).key);
    expect(effects.every((e) => e.status === 'done' || e.status === 'skipped')).toBe(true);
    await expectCausedBy(fleet, effects, { type: 'payment', key: must(paid).key }, ['payment.failed', 'payment.succeeded']);
  }
});
