import { buildWebhook, createSubject, mulberry32, type Subject, type WebhookRequest } from '@switchyard/sandbox';
import { eventually, must } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';
import { effectsWhere, expectCausedBy, refusedByOutage, submitForm, whatsappSends } from './support/workflow-helpers';

/** HubSpot answers 503 to this many calls while the hostile variant runs. */
const OUTAGE = 6;

/**
 * Workflow 4: a CRM stage or lead status change (HubSpot deal, Pipedrive deal, Salesforce lead)
 * sends the WhatsApp template configured for our stage, to opted-in contacts only, a later STOP
 * winning. Inside the 24-hour window the template's text goes as free-form text; a 131047 refusal
 * falls back to the template once, never a retry of the text.
 *
 * The CRMs' stage webhooks carry no phone; the worker finds the person in our own records: the deal
 * we created for a lead (HubSpot), the person the CRM's contact webhook told us about (Pipedrive),
 * the lead's email among our contacts (Salesforce).
 */
describe('workflow 4: CRM stage change → WhatsApp template', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      settings: { statusMappings: { crmStages: { hubspot: { closedwon: 'won', appointmentscheduled: 'appointment' }, pipedrive: { '4': 'won' }, salesforce: { 'Closed - Converted': 'won' } } } },
    });
  });
  afterAll(async () => {
    await fleet.close();
  });

  const person = (seed: number, suffix = ''): Subject => {
    const s = createSubject(mulberry32(seed));
    return { ...s, phone: suffix ? `${s.phone.slice(0, s.phone.length - suffix.length)}${suffix}` : s.phone };
  };
  /** A lead from the website; its HubSpot deal id once the CRM has it. */
  async function leadWithDeal(s: Subject, consent: boolean): Promise<number> {
    expect((await submitForm(fleet, 'contact-us', { name: s.name, email: s.email, phone: `+${s.phone}`, region: 'US', consent })).status).toBe(202);
    const effect = await eventually(async () => (await effectsWhere(fleet, `kind = 'crm.lead.upsert' AND entity_key = $1 AND status = 'done'`, `email:${s.email}`))[0], 20_000, 50, `the HubSpot deal of ${s.email}`);
    return Number(effect.provider_ref);
  }
  /** A salesperson moves the deal through five stages to closed won (one HubSpot batch, oldest first). */
  const hubspotDealWon = (s: Subject, dealId: number) => buildWebhook('hubspot', 'deal.propertyChange', { subject: { ...s, hubspot: { ...s.hubspot, dealId } }, to: fleet.receiverUrl, count: 5 });
  const inbound = (s: Subject, text: string) => buildWebhook('whatsapp', 'message', { subject: s, to: fleet.receiverUrl, text, now: Date.now() - 60_000 });
  /** Pipedrive's deal update from stage 3 to 4 (Basic auth only, so the body may be set). */
  const pipedriveDealMoved = (s: Subject): WebhookRequest => {
    const request = buildWebhook('pipedrive', 'updated.deal', { subject: s, to: fleet.receiverUrl });
    const body = JSON.parse(request.body) as { data: Record<string, unknown>; previous: Record<string, unknown> };
    return { ...request, body: JSON.stringify({ ...body, data: { ...body.data, stage_id: 4 }, previous: { stage_id: 3 } }) };
  };
  /** The stage notifications (and their fallbacks) planned for one phone. */
  const stageEffects = (phone: string) => effectsWhere(fleet, `kind = 'message.send' AND business_key LIKE 'stage:%' AND request->>'to' = $1`, phone);

  it('sends the stage template to opted-in contacts of HubSpot, Pipedrive and Salesforce, text inside the window, nothing to the rest', async () => {
    const hub = person(401);
    const pipe = person(402);
    const sf = person(403);
    const noConsent = person(404);
    const stopped = person(405);

    // HubSpot: a lead's deal is won.
    const hubDeal = await leadWithDeal(hub, true);
    await fleet.deliver(hubspotDealWon(hub, hubDeal));
    // Pipedrive: the person opted in by writing START (inside the window now), the CRM told us their phone.
    await fleet.deliver(inbound(pipe, 'START'));
    await fleet.deliver(buildWebhook('pipedrive', 'added.person', { subject: pipe, to: fleet.receiverUrl }));
    await fleet.settled();
    await fleet.deliver(pipedriveDealMoved(pipe));
    // Salesforce: the lead (known to us by email from the form) is converted.
    await leadWithDeal(sf, true);
    await fleet.deliver(buildWebhook('salesforce', 'Lead', { subject: sf, to: fleet.receiverUrl }));
    // Not opted in; and opted in but STOP since.
    const noConsentDeal = await leadWithDeal(noConsent, false);
    const stoppedDeal = await leadWithDeal(stopped, true);
    await fleet.deliver(inbound(stopped, 'STOP'));
    await fleet.settled();
    await fleet.deliver(hubspotDealWon(noConsent, noConsentDeal));
    await fleet.deliver(hubspotDealWon(stopped, stoppedDeal));
    await fleet.settled();

    const stageSends = (await whatsappSends(fleet)).filter((m) => m.template !== 'lead_welcome');
    expect(stageSends).toEqual([
      { to: hub.phone, type: 'template', template: 'deal_won' },
      { to: pipe.phone, type: 'text', text: `Welcome aboard ${pipe.name}!` },
      { to: sf.phone, type: 'template', template: 'deal_won' },
    ]);
    const hubSend = (await fleet.sandboxRequests({ provider: 'whatsapp' })).find((r) => (r.body as { to: string; type: string }).to === hub.phone && (r.body as { template?: { name: string } }).template?.name === 'deal_won');
    expect(hubSend?.body).toMatchObject({ template: { components: [{ type: 'body', parameters: [{ text: hub.name }, { text: 'won' }] }] } });

    const expectations: Array<[Subject, string, string]> = [
      [hub, `hubspot:default:deal:${hubDeal}`, 'done'],
      [pipe, `pipedrive:default:deal:${pipe.pipedrive.dealId}`, 'done'],
      [sf, `salesforce:default:lead:${sf.salesforce.leadId}`, 'done'],
      [noConsent, `hubspot:default:deal:${noConsentDeal}`, 'skipped'],
      [stopped, `hubspot:default:deal:${stoppedDeal}`, 'skipped'],
    ];
    for (const [s, entityKey, status] of expectations) {
      const effects = await stageEffects(s.phone);
      expect(effects.map((e) => [e.business_key, e.status])).toEqual([[`stage:${entityKey}:won`, status]]);
      await expectCausedBy(fleet, effects, { type: 'deal', key: entityKey }, ['deal.stage_changed']);
      const cause = await fleet.db.$queryRawUnsafe<{ stage: string }[]>(`SELECT canonical->>'newStage' AS stage FROM inbound_events WHERE id = $1::uuid`, must(effects[0]).event_id);
      expect(['closedwon', '4', 'Closed - Converted']).toContain(must(cause[0]).stage);
    }
    expect(must((await stageEffects(noConsent.phone))[0]).last_error).toMatch(/not opted in/);
    expect(must((await stageEffects(stopped.phone))[0]).last_error).toMatch(/opted out/);
  });

  it('duplicated and reordered stage batches during a CRM outage, and a 131047: one text, then the template once instead of a retry', async () => {
    const late = person(406, '1047');
    const twice = person(407);
    await fleet.addFault({ provider: 'hubspot', type: 'error', status: 503, count: OUTAGE });
    const [lateDeal, twiceDeal] = await Promise.all([leadWithDeal(late, true), leadWithDeal(twice, true)]);
    // `late` wrote to us, so by our records the window is open and the text goes first; Meta disagrees (131047).
    await fleet.deliver(inbound(late, 'Any news on my contract?'));
    await fleet.settled(50_000);
    const lateBatch = hubspotDealWon(late, lateDeal);
    const twiceBatch = hubspotDealWon(twice, twiceDeal);
    for (const request of [twiceBatch, lateBatch, twiceBatch, lateBatch]) await fleet.deliver(request);
    const fallback = await eventually(async () => (await effectsWhere(fleet, `business_key LIKE '%:template-fallback' AND status = 'done'`))[0], 20_000, 50, 'the template fallback to be sent');
    await fleet.settled(50_000);

    expect((await whatsappSends(fleet, late.phone)).filter((m) => m.template !== 'lead_welcome')).toEqual([
      { to: late.phone, type: 'text', text: `Welcome aboard ${late.name}!` },
      { to: late.phone, type: 'template', template: 'deal_won' },
    ]);
    expect((await whatsappSends(fleet, twice.phone)).filter((m) => m.template === 'deal_won')).toHaveLength(1);

    const lateKey = `hubspot:default:deal:${lateDeal}`;
    const sends = await stageEffects(late.phone);
    expect(sends.map((e) => [e.business_key, e.status, e.response?.sentAs])).toEqual([
      [`stage:${lateKey}:won`, 'done', 'text'],
      [`stage:${lateKey}:won:template-fallback`, 'done', 'template'],
    ]);
    expect(fallback.id).toBe(must(sends[1]).id);
    await expectCausedBy(fleet, sends.slice(0, 1), { type: 'deal', key: lateKey }, ['deal.stage_changed']);
    // The fallback is caused by the failure status of the text message, and is about that message.
    const text = await fleet.db.$queryRawUnsafe<{ id: string; status: string; error_code: string }[]>(`SELECT id, status, error_code FROM messages WHERE effect_id = $1::uuid`, must(sends[0]).id);
    expect(text).toEqual([{ id: expect.any(String), status: 'failed', error_code: '131047' }]);
    await expectCausedBy(fleet, sends.slice(1), { type: 'message', key: must(text[0]).id }, ['message.status_changed']);
    // A refusal that the fallback handles is not a failure to report: no CRM note about it.
    expect(await effectsWhere(fleet, `kind = 'crm.note' AND business_key = $1`, `msg-failed:${must(text[0]).id}`)).toEqual([]);

    const twiceEffects = await stageEffects(twice.phone);
    expect(twiceEffects.map((e) => [e.business_key, e.status])).toEqual([[`stage:hubspot:default:deal:${twiceDeal}:won`, 'done']]);
    expect(await refusedByOutage(fleet)).toBe(OUTAGE);
  });
});
