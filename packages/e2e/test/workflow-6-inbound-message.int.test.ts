import { buildWebhook, createSubject, mulberry32, type Subject } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';
import { effectsWhere, expectCausedBy, hubspotState, refusedByOutage, whatsappSends } from './support/workflow-helpers';
import { must } from '@switchyard/testing';

/** HubSpot answers 503 to this many calls while the hostile variant runs. */
const OUTAGE = 6;

interface ContactRow {
  consent: boolean;
  opted_out_at: Date | null;
  last_inbound_at: Date | null;
}

/**
 * Workflow 6: an inbound WhatsApp message upserts the CRM contact by phone and logs the message as
 * an activity on it; an opt-out keyword (configurable; here STOP and the added BAJA) records an
 * opt-out that every later send respects: the receipt for a later payment is skipped, not sent.
 */
describe('workflow 6: inbound WhatsApp message and opt-out', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({ settings: { consent: { transactional: 'unless_opted_out', optOutKeywords: ['STOP', 'BAJA'] } } });
  });
  afterAll(async () => {
    await fleet.close();
  });

  const inbound = (subject: Subject, text: string, secondsAgo: number) => buildWebhook('whatsapp', 'message', { subject, to: fleet.receiverUrl, text, now: Date.now() - secondsAgo * 1000 });
  const contactOf = async (phone: string) => (await fleet.db.$queryRawUnsafe<ContactRow[]>(`SELECT consent, opted_out_at, last_inbound_at FROM contacts WHERE phone = $1`, phone))[0];
  const notesFor = async (phone: string) => (await hubspotState(fleet)).notes.filter((n) => n.properties.switchyard_contact_phone === phone).map((n) => n.properties.hs_note_body);

  /** A payment by the same person after the opt-out: its receipt must be skipped and nothing sent. */
  async function expectReceiptSkipped(subject: Subject) {
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }));
    await fleet.settled();
    const receipt = await effectsWhere(fleet, `kind = 'message.send' AND request->>'to' = $1`, subject.phone);
    expect(receipt).toEqual([expect.objectContaining({ business_key: expect.stringMatching(/^receipt:razorpay:/), status: 'skipped', entity_type: 'payment', last_error: expect.stringMatching(/opted out/) })]);
    expect(await whatsappSends(fleet, subject.phone)).toEqual([]);
    // The rest of the payment workflow still runs: the deal is in the CRM.
    expect((await hubspotState(fleet)).deals.some((d) => d.properties.switchyard_order_id === subject.razorpay.order && d.properties.dealstage === 'closedwon')).toBe(true);
  }

  it('upserts the CRM contact by phone, logs each message on it, and a STOP makes later receipts skip', async () => {
    const subject = createSubject(mulberry32(601));
    const hello = inbound(subject, 'Hi! Where is my order?', 120);
    await fleet.deliver(hello);
    await fleet.settled();

    let hubspot = await hubspotState(fleet);
    expect(hubspot.contacts.filter((c) => c.properties.phone === subject.phone)).toEqual([expect.objectContaining({ properties: expect.objectContaining({ phone: subject.phone, firstname: subject.name }) })]);
    expect(await notesFor(subject.phone)).toEqual([`WhatsApp from ${subject.phone}: Hi! Where is my order?`]);
    expect(await contactOf(subject.phone)).toMatchObject({ opted_out_at: null, last_inbound_at: expect.any(Date) });

    await fleet.deliver(inbound(subject, ' stop ', 60));
    await fleet.settled();
    expect(await contactOf(subject.phone)).toMatchObject({ consent: false, opted_out_at: expect.any(Date) });
    hubspot = await hubspotState(fleet);
    expect(hubspot.contacts.filter((c) => c.properties.phone === subject.phone)).toHaveLength(1);
    expect(await notesFor(subject.phone)).toEqual([`WhatsApp from ${subject.phone}: Hi! Where is my order?`, `WhatsApp from ${subject.phone}:  stop `]);

    const effects = await effectsWhere(fleet, `entity_type = 'contact' AND entity_key = $1`, subject.phone);
    expect(effects.map((e) => [e.kind, e.status])).toEqual([
      ['crm.contact.upsert', 'done'],
      ['crm.note', 'done'],
      ['crm.contact.upsert', 'done'],
      ['crm.note', 'done'],
    ]);
    await expectCausedBy(fleet, effects, { type: 'contact', key: subject.phone }, ['message.received']);
    expect(new Set(effects.map((e) => e.event_id)).size).toBe(2);

    await expectReceiptSkipped(subject);
  });

  it('duplicated, out-of-order messages during a CRM outage: one contact, each message logged once, the opt-out (a configured keyword) holds', async () => {
    const subject = createSubject(mulberry32(602));
    const first = inbound(subject, 'Do you ship to Lisbon?', 300);
    const second = inbound(subject, 'Thanks', 200);
    const optOut = inbound(subject, 'BAJA', 100);
    await fleet.addFault({ provider: 'hubspot', type: 'error', status: 503, count: OUTAGE });
    // Newest first, every one delivered twice (Meta retries when our answer is slow).
    for (const request of [optOut, second, optOut, first, second, first]) await fleet.deliver(request);
    await fleet.settled(50_000);

    const contact = await contactOf(subject.phone);
    expect(contact).toMatchObject({ consent: false, opted_out_at: expect.any(Date) });
    // The window is kept at the newest message, whatever the arrival order.
    expect(Math.abs(must(must(contact).last_inbound_at).getTime() - (Date.now() - 100_000))).toBeLessThan(30_000);

    const hubspot = await hubspotState(fleet);
    expect(hubspot.contacts.filter((c) => c.properties.phone === subject.phone)).toHaveLength(1);
    expect((await notesFor(subject.phone)).sort()).toEqual([`WhatsApp from ${subject.phone}: BAJA`, `WhatsApp from ${subject.phone}: Do you ship to Lisbon?`, `WhatsApp from ${subject.phone}: Thanks`].sort());

    const effects = await effectsWhere(fleet, `entity_type = 'contact' AND entity_key = $1`, subject.phone);
    expect(effects).toHaveLength(6);
    expect(effects.every((e) => e.status === 'done')).toBe(true);
    await expectCausedBy(fleet, effects, { type: 'contact', key: subject.phone }, ['message.received']);
    // The outage really happened: HubSpot refused calls while the events were handled.
    expect(await refusedByOutage(fleet)).toBe(OUTAGE);

    await expectReceiptSkipped(subject);
  });
});
