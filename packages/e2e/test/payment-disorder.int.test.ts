import { buildSequence, createSubject, mulberry32 } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';
import { must } from '@switchyard/testing';

type HubspotState = { hubspot: { deals: { properties: Record<string, string> }[]; notes: unknown[] } };

/**
 * Workflows 1–3 under hostile delivery: the gateway's failed → captured → refunded sequence for
 * one customer, shuffled and duplicated, with the CRM down for a while. The end state must equal
 * in-order delivery, and each effect must reach its provider once.
 */
describe('payment workflows under disorder', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });

  it('a failure learned after the payment succeeded sends no failure notice, and the deal ends paid', async () => {
    const subject = createSubject(mulberry32(202));
    const [failed, captured] = buildSequence('razorpay', { subject, to: fleet.receiverUrl });
    await fleet.deliver(must(captured));
    await fleet.settled();
    await fleet.deliver(must(failed));
    await fleet.deliver(must(captured));
    await fleet.settled();

    const sends = await fleet.sandboxRequests({ provider: 'whatsapp' });
    const templates = sends.filter((r) => (r.body as { to?: string }).to === subject.phone).map((r) => (r.body as { template: { name: string } }).template.name);
    expect(templates).toEqual(['payment_receipt']);
    const state = (await fleet.sandboxState()) as HubspotState;
    const deal = state.hubspot.deals.find((d) => d.properties.dealname?.includes(''));
    expect(deal?.properties.dealstage).toBe('closedwon');
    const effects = await fleet.db.$queryRawUnsafe<{ kind: string; status: string }[]>(`SELECT kind, status::text FROM effects WHERE business_key LIKE 'payment-failed:%'`);
    expect(effects).toEqual([]);
  });

  it('shuffled, duplicated delivery with a CRM outage ends in the same state as in-order delivery, each effect once', async () => {
    const subject = createSubject(mulberry32(303));
    const sequence = buildSequence('razorpay', { subject, to: fleet.receiverUrl });
    // HubSpot answers 503 to the next 6 calls: the CRM is down while the events arrive.
    await fleet.addFault({ provider: 'hubspot', type: 'error', status: 503, count: 6 });
    const shuffled = [must(sequence[2]), must(sequence[0]), must(sequence[2]), must(sequence[1]), must(sequence[0])];
    for (const request of shuffled) await fleet.deliver(request);
    await fleet.settled(60_000);

    const payment = await fleet.db.$queryRawUnsafe<{ status: string; refunded_amount: number; amount: number }[]>(`SELECT status, refunded_amount, amount FROM payments WHERE regexp_replace(customer->>'phone', '[^0-9]', '', 'g') = $1`, subject.phone);
    if (payment.length !== 1) console.log(subject.phone, JSON.stringify(await fleet.db.$queryRawUnsafe(`SELECT key, status, customer, facts FROM payments`)));
    expect(payment).toHaveLength(1);
    expect(['refunded', 'partially_refunded']).toContain(must(payment[0]).status);

    const effects = await fleet.db.$queryRawUnsafe<{ kind: string; business_key: string; status: string }[]>(
      `SELECT e.kind, e.business_key, e.status::text FROM effects e JOIN payments p ON p.key = e.entity_key WHERE regexp_replace(p.customer->>'phone', '[^0-9]', '', 'g') = $1`,
      subject.phone,
    );
    expect(effects.every((e) => e.status === 'done' || e.status === 'skipped')).toBe(true);
    // Each customer message went out at most once per business key, and the receipt and refund notice exactly once.
    const sends = (await fleet.sandboxRequests({ provider: 'whatsapp' })).filter((r) => (r.body as { to?: string }).to === subject.phone);
    const names = sends.map((r) => (r.body as { template: { name: string } }).template.name);
    expect(names.filter((n) => n === 'payment_receipt')).toHaveLength(1);
    expect(names.filter((n) => n === 'refund_notice')).toHaveLength(1);
    expect(new Set(sends.map((r) => JSON.stringify(r.body))).size).toBe(sends.length);

    const state = (await fleet.sandboxState()) as HubspotState;
    const stages = state.hubspot.deals.map((d) => d.properties.dealstage);
    expect(stages).toContain(must(payment[0]).status === 'refunded' ? 'refunded' : 'partially_refunded');
    // Every CRM note was written once: upserts by note id leave one note per key.
    const noteKeys = effects.filter((e) => e.kind === 'crm.note').map((e) => e.business_key);
    expect(new Set(noteKeys).size).toBe(noteKeys.length);
  });
});
