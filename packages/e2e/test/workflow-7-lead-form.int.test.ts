import { createSubject, mulberry32, type Subject } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';
import { effectsWhere, expectCausedBy, hubspotState, refusedByOutage, submitForm, teamPosts, whatsappSends } from './support/workflow-helpers';
import { must } from '@switchyard/testing';

/** HubSpot answers 503 to this many calls while the hostile variant runs. */
const OUTAGE = 6;

interface LeadRow {
  dedup_key: string;
  owner: string;
  phone: string | null;
  email: string | null;
  event_id: string;
}

/**
 * Workflow 7: POST /forms/:formId → validated by the receiver → deduplicated by email or phone →
 * routed (region/source rules, round-robin among a rule's owners, else the default) → contact and
 * deal upserted in the CRM pipeline with the owner → welcomed on WhatsApp when it consented.
 */
describe('workflow 7: lead form', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });

  const form = (s: Subject, extra: Record<string, unknown>) => ({ name: s.name, email: s.email, phone: `+${s.phone}`, ...extra });
  const leadOf = async (email: string) =>
    (await fleet.db.$queryRawUnsafe<LeadRow[]>(`SELECT dedup_key, owner, phone, email, event_id::text AS event_id FROM leads WHERE email = $1`, email))[0];
  const dealOf = async (dedupKey: string) => (await hubspotState(fleet)).deals.filter((d) => d.properties.switchyard_order_id === `lead:${dedupKey}`);

  it('routes, upserts the CRM contact and deal with the owner, welcomes a consenting lead once, and folds a second submission into the first', async () => {
    const eu1 = createSubject(mulberry32(701));
    const eu2 = createSubject(mulberry32(702));
    const partner = createSubject(mulberry32(703));
    const other = createSubject(mulberry32(704));

    const invalid = await submitForm(fleet, 'contact-us', { email: 'not-an-email', phone: '12' });
    expect(invalid).toMatchObject({ status: 400, body: { error: 'invalid_form' } });
    expect((await submitForm(fleet, 'no-such-form', form(eu1, {}))).status).toBe(404);

    // One at a time, so the round-robin order is the submission order.
    for (const values of [form(eu1, { region: 'EU', source: 'web', consent: true }), form(eu2, { region: 'EU', consent: true }), form(partner, { region: 'US', source: 'partner', consent: true }), form(other, { region: 'IN', consent: false })]) {
      expect((await submitForm(fleet, 'contact-us', values)).status).toBe(202);
      await fleet.settled();
    }
    // The same person again with a new phone number: the lead (and its owner) stays the first one.
    expect((await submitForm(fleet, 'contact-us', { ...form(eu1, { region: 'US', consent: true }), phone: '+15550009999' })).status).toBe(202);
    await fleet.settled();

    const leads = await fleet.db.$queryRawUnsafe<LeadRow[]>(`SELECT dedup_key, owner FROM leads ORDER BY created_at`);
    expect(leads).toEqual([
      { dedup_key: `email:${eu1.email}`, owner: 'owner-eu-1' },
      { dedup_key: `email:${eu2.email}`, owner: 'owner-eu-2' },
      { dedup_key: `email:${partner.email}`, owner: 'owner-partners' },
      { dedup_key: `email:${other.email}`, owner: 'owner-default' },
    ]);

    const hubspot = await hubspotState(fleet);
    expect(hubspot.deals.map((d) => [d.properties.dealname, d.properties.pipeline, d.properties.dealstage, d.properties.hubspot_owner_id])).toEqual([
      [`Lead: ${eu1.name}`, 'default', 'appointmentscheduled', 'owner-eu-1'],
      [`Lead: ${eu2.name}`, 'default', 'appointmentscheduled', 'owner-eu-2'],
      [`Lead: ${partner.name}`, 'default', 'appointmentscheduled', 'owner-partners'],
      [`Lead: ${other.name}`, 'default', 'appointmentscheduled', 'owner-default'],
    ]);
    expect(must(hubspot.deals[0]).properties.switchyard_region).toBe('EU');
    expect(hubspot.contacts.map((c) => c.properties.phone).sort()).toEqual([eu1.phone, eu2.phone, partner.phone, other.phone].sort());
    expect(hubspot.contacts.find((c) => c.properties.phone === eu1.phone)?.properties).toMatchObject({ email: eu1.email, firstname: eu1.name, lead_source: 'web' });

    // Welcomed when consenting, once; never the lead that did not consent, nor the duplicate's new number.
    const sends = await whatsappSends(fleet);
    expect(sends.map((m) => [m.to, m.template]).sort()).toEqual([[eu1.phone, 'lead_welcome'], [eu2.phone, 'lead_welcome'], [partner.phone, 'lead_welcome']].sort());
    expect((await teamPosts(fleet)).filter((t) => t.startsWith('New lead'))).toHaveLength(4);

    for (const s of [eu1, eu2, partner, other]) {
      const lead = must(await leadOf(s.email));
      const effects = await effectsWhere(fleet, 'entity_key = $1', lead.dedup_key);
      expect(effects.map((e) => [e.kind, e.status]).sort()).toEqual(
        [['crm.lead.upsert', 'done'], ['team.notify', 'done'], ...(s === other ? [] : [['message.send', 'done']])].sort(),
      );
      await expectCausedBy(fleet, effects, { type: 'lead', key: lead.dedup_key }, ['lead.submitted']);
      for (const e of effects) expect(e.event_id).toBe(lead.event_id);
    }
    const owners = await effectsWhere(fleet, `kind = 'crm.lead.upsert'`);
    expect(owners.map((e) => e.response?.owner)).toEqual(['owner-eu-1', 'owner-eu-2', 'owner-partners', 'owner-default']);
  });

  it('concurrent duplicate submissions during a CRM outage: one lead, one deal and one welcome per person, owners still rotated', async () => {
    const people = [705, 706, 707].map((seed) => createSubject(mulberry32(seed)));
    const dealsBefore = (await hubspotState(fleet)).deals.length;
    const sendsBefore = (await whatsappSends(fleet)).length;
    await fleet.addFault({ provider: 'hubspot', type: 'error', status: 503, count: OUTAGE });
    // Each person submits twice at once (a double click), once by email only and once with the phone too.
    const submissions = people.flatMap((s) => [form(s, { region: 'EU', consent: true }), { name: s.name, email: s.email.toUpperCase(), region: 'EU' }]);
    const answers = await Promise.all([...submissions, ...submissions.slice(0, 2)].map((body) => submitForm(fleet, 'contact-us', body)));
    // The receiver itself recognises an identical resubmission (200, duplicate); the rest are new events.
    expect(answers.map((a) => a.status)).toEqual([...submissions.map(() => 202), 200, 200]);
    await fleet.settled(50_000);

    const leads = await fleet.db.$queryRawUnsafe<LeadRow[]>(`SELECT dedup_key, owner, phone FROM leads WHERE email = ANY($1::text[]) ORDER BY created_at`, people.map((s) => s.email));
    expect(leads).toHaveLength(3);
    // Three EU leads at once: the round-robin still hands them out in turn (2 + 1 between the two owners).
    const owners = leads.map((l) => l.owner);
    expect([owners.filter((o) => o === 'owner-eu-1').length, owners.filter((o) => o === 'owner-eu-2').length].sort()).toEqual([1, 2]);

    const hubspot = await hubspotState(fleet);
    expect(hubspot.deals).toHaveLength(dealsBefore + 3);
    for (const lead of leads) {
      const deals = await dealOf(lead.dedup_key);
      expect(deals).toHaveLength(1);
      expect(must(deals[0]).properties.hubspot_owner_id).toBe(lead.owner);
    }
    const sends = (await whatsappSends(fleet)).slice(sendsBefore);
    expect(sends.map((m) => m.to).sort()).toEqual(people.map((s) => s.phone).sort());
    expect(sends.every((m) => m.template === 'lead_welcome')).toBe(true);

    for (const lead of leads) {
      const effects = await effectsWhere(fleet, 'entity_key = $1', lead.dedup_key);
      expect(effects.map((e) => e.status)).toEqual(effects.map(() => 'done'));
      expect(new Set(effects.map((e) => e.kind)).size).toBe(effects.length);
      await expectCausedBy(fleet, effects, { type: 'lead', key: lead.dedup_key }, ['lead.submitted']);
    }
    // The outage really happened: HubSpot refused calls while the events were handled.
    expect(await refusedByOutage(fleet)).toBe(OUTAGE);
  });
});
