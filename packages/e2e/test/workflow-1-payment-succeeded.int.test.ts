import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';
import { must } from '@switchyard/testing';

/** Workflow 1: payment succeeded → payment state → CRM deal at the paid stage with a note → receipt → team. */
describe('workflow 1: payment succeeded', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });

  it('updates the payment, moves the deal, notes it, sends the receipt and tells the team — once', async () => {
    const subject = createSubject(mulberry32(101));
    const request = buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl });
    const result = await fleet.deliver(request);
    expect(result.delivered).toBe(true);
    await fleet.deliver(request); // the provider's retry: a duplicate delivery
    await fleet.settled();

    const payments = await fleet.db.$queryRawUnsafe<{ key: string; status: string; amount: number }[]>(`SELECT key, status, amount FROM payments`);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'succeeded', amount: subject.amount });

    const whatsapp = await fleet.sandboxRequests({ provider: 'whatsapp' });
    expect(whatsapp).toHaveLength(1);
    expect(must(whatsapp[0]).body).toMatchObject({ to: subject.phone, type: 'template', template: { name: 'payment_receipt' } });

    const state = (await fleet.sandboxState()) as { hubspot: { deals: { properties: Record<string, string> }[]; notes: { properties: Record<string, string> }[] } };
    expect(state.hubspot.deals).toHaveLength(1);
    expect(must(state.hubspot.deals[0]).properties.dealstage).toBe('closedwon');
    expect(state.hubspot.notes).toHaveLength(1);
    expect(must(state.hubspot.notes[0]).properties.hs_note_body).toContain('Payment received');

    const slack = await fleet.sandboxRequests({ pathIncludes: '/slack/' });
    expect(slack).toHaveLength(1);

    const effects = await fleet.db.$queryRawUnsafe<{ kind: string; status: string; event_id: string | null; entity_key: string }[]>(`SELECT kind, status::text, event_id, entity_key FROM effects ORDER BY kind`);
    expect(effects.map((e) => [e.kind, e.status])).toEqual([
      ['crm.deal.sync', 'done'],
      ['crm.note', 'done'],
      ['message.send', 'done'],
      ['team.notify', 'done'],
    ]);
    for (const e of effects) expect(e).toMatchObject({ entity_key: must(payments[0]).key, event_id: expect.any(String) });
  });
});
