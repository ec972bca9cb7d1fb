import { buildWebhook, createSubject, mulberry32, type Subject } from '@switchyard/sandbox';
import { eventually, must } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';
import { effectsWhere, expectCausedBy, hubspotState, refusedByOutage, teamPosts, whatsappSends } from './support/workflow-helpers';

/** HubSpot answers 503 to this many calls while the hostile variant runs. */
const OUTAGE = 6;

interface MessageRow {
  id: string;
  status: string;
  error_code: string | null;
  effect_id: string | null;
}

/**
 * Workflow 5: WhatsApp status webhooks move the message's state forward only (a skipped
 * `delivered` is fine, a late `sent` changes nothing, `failed` is final); a failure puts a note
 * with the error on the CRM timeline and tells the team (subscribed to message.failed).
 */
describe('workflow 5: WhatsApp message status', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });

  /** A customer whose WhatsApp number ends in `suffix` (the sandbox's magic recipients). */
  const customer = (seed: number, suffix = ''): Subject => {
    const s = createSubject(mulberry32(seed));
    return { ...s, phone: suffix ? `${s.phone.slice(0, s.phone.length - suffix.length)}${suffix}` : s.phone };
  };
  const messageTo = async (phone: string, status: string) =>
    eventually(
      async () => {
        const rows = await fleet.db.$queryRawUnsafe<MessageRow[]>(`SELECT id, status, error_code, effect_id::text AS effect_id FROM messages WHERE recipient = $1`, phone);
        return rows.length === 1 && must(rows[0]).status === status ? rows[0] : undefined;
      },
      10_000,
      50,
      `the message to ${phone} to be ${status}`,
    );
  /** A status webhook about one of our messages, as Meta would send it (without our callback data). */
  const status = (s: Subject, messageId: string, event: 'status.sent' | 'status.delivered' | 'status.read' | 'status.failed', secondsAgo: number) =>
    buildWebhook('whatsapp', event, { subject: { ...s, whatsapp: { ...s.whatsapp, outboundMessageId: messageId } }, to: fleet.receiverUrl, now: Date.now() - secondsAgo * 1000 });
  const failureNotes = async (messageId: string) => (await hubspotState(fleet)).notes.filter((n) => n.properties.switchyard_note_id === `msg-failed:${messageId}`);

  it('a delivered receipt ends read with nothing more; an undeliverable one gets a CRM note with the error and a team post', async () => {
    const ok = customer(501);
    const bad = customer(502, '1026');
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject: ok, to: fleet.receiverUrl }));
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject: bad, to: fleet.receiverUrl }));
    const read = await messageTo(ok.phone, 'read');
    const failed = await messageTo(bad.phone, 'failed');
    await fleet.settled();

    expect(read).toMatchObject({ error_code: null, effect_id: expect.any(String) });
    expect(failed).toMatchObject({ error_code: '131026', effect_id: expect.any(String) });
    expect(await whatsappSends(fleet, bad.phone)).toEqual([{ to: bad.phone, type: 'template', template: 'payment_receipt' }]);

    const notes = await failureNotes(failed.id);
    expect(notes).toHaveLength(1);
    expect(must(notes[0]).properties).toMatchObject({ switchyard_contact_phone: bad.phone, hs_note_body: `WhatsApp message ${failed.id} (payment_receipt) to ${bad.phone} failed: 131026: Message Undeliverable.` });
    expect((await teamPosts(fleet)).filter((t) => t.includes('failed:'))).toEqual([`:warning: WhatsApp message ${failed.id} (payment_receipt) to ${bad.phone} failed: 131026: Message Undeliverable.`]);
    expect(await failureNotes(read.id)).toEqual([]);

    const effects = await effectsWhere(fleet, `entity_type = 'message'`);
    expect(effects.map((e) => [e.kind, e.business_key, e.status]).sort()).toEqual([
      ['crm.note', `msg-failed:${failed.id}`, 'done'],
      ['team.notify', `ops-slack:message.failed:${failed.id}`, 'done'],
    ]);
    await expectCausedBy(fleet, effects, { type: 'message', key: failed.id }, ['message.status_changed']);
    const failedEvent = await fleet.db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text AS id FROM inbound_events WHERE entity_key = $1 AND canonical->>'status' = 'failed'`, failed.id);
    expect(effects.map((e) => e.event_id)).toEqual(failedEvent.map((e) => e.id).concat(failedEvent.map((e) => e.id)));
  });

  it('statuses shuffled, duplicated and with delivered skipped, during a CRM outage: state only moves forward, one note and one post per failure', async () => {
    const ok = customer(503);
    const bad = customer(504, '1026');
    await fleet.addFault({ provider: 'hubspot', type: 'error', status: 503, count: OUTAGE });
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject: ok, to: fleet.receiverUrl }));
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject: bad, to: fleet.receiverUrl }));
    const read = await messageTo(ok.phone, 'read');
    const failed = await messageTo(bad.phone, 'failed');

    // Meta's retries and stragglers: a late `sent` after `read`, duplicates, and for the failed
    // message a late `delivered` and the failure again (with another error code).
    for (const request of [status(ok, read.id, 'status.sent', 50), status(ok, read.id, 'status.read', 40), status(bad, failed.id, 'status.delivered', 30), status(bad, failed.id, 'status.failed', 20), status(bad, failed.id, 'status.sent', 60)]) {
      await fleet.deliver(request);
      await fleet.deliver(request);
    }
    await fleet.settled(50_000);

    const rows = await fleet.db.$queryRawUnsafe<MessageRow[]>(`SELECT id, status, error_code FROM messages WHERE id = ANY($1::text[]) ORDER BY status`, [read.id, failed.id]);
    expect(rows).toEqual([
      { id: failed.id, status: 'failed', error_code: '131026' },
      { id: read.id, status: 'read', error_code: null },
    ]);
    // Skipped `delivered`: a message seen as sent then read is simply read.
    const skipper = customer(505);
    await fleet.deliver(status(skipper, 'wamid.skipped-delivered', 'status.sent', 20));
    await fleet.deliver(status(skipper, 'wamid.skipped-delivered', 'status.read', 10));
    await fleet.settled();
    expect(await fleet.db.$queryRawUnsafe(`SELECT status FROM messages WHERE id = 'wamid.skipped-delivered'`)).toEqual([{ status: 'read' }]);

    expect(await failureNotes(failed.id)).toHaveLength(1);
    expect(await failureNotes(read.id)).toEqual([]);
    expect((await teamPosts(fleet)).filter((t) => t.includes(failed.id))).toHaveLength(1);
    const effects = await effectsWhere(fleet, `entity_type = 'message' AND entity_key = $1`, failed.id);
    expect(effects.map((e) => [e.kind, e.status]).sort()).toEqual([
      ['crm.note', 'done'],
      ['team.notify', 'done'],
    ]);
    await expectCausedBy(fleet, effects, { type: 'message', key: failed.id }, ['message.status_changed']);
    expect(await whatsappSends(fleet, bad.phone)).toHaveLength(1);
    expect(await refusedByOutage(fleet)).toBe(OUTAGE);
  });
});
