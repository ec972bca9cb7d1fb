import type { CanonicalOf } from '@switchyard/domain';
import { leadKeys, pickOwner, planLeadEffects, routeLead } from './lead-effects';
import type { UnsentMessage } from './plan-helpers';
import { expectPlans, planSettings, type ExpectedPlan, type PlanSwitches } from './plan-test-kit';

type LeadEvent = CanonicalOf<'lead.submitted'>;

const LK = 'email:asha@example.com';
const lead = { id: 'lead_1', dedupKey: LK, owner: 'ana' };
const submitted = (o: Partial<LeadEvent> = {}): LeadEvent => ({
  type: 'lead.submitted',
  provider: 'forms',
  connection: 'default',
  providerEventId: 'sub_1',
  occurredAt: '2026-12-01T10:00:00.000Z',
  formId: 'contact',
  email: 'Asha@Example.com',
  phone: '+1 555 000 1111',
  name: 'Asha Rao',
  region: 'EMEA',
  source: 'web',
  consent: true,
  fields: {},
  ...o,
});

const upsert = (request: Record<string, unknown> = {}): ExpectedPlan => [
  'crm.lead.upsert',
  `lead:${LK}`,
  { provider: 'hubspot', connection: 'default', leadId: 'lead_1', dealExternalId: `lead:${LK}`, name: 'Lead: Asha Rao', owner: 'ana', pipeline: 'sales', stage: 'new', contact: { phone: '15550001111', email: 'Asha@Example.com', name: 'Asha Rao' }, source: 'web', region: 'EMEA', ...request },
];
const welcome = (parameters = ['Asha Rao', 'ana']): ExpectedPlan => ['message.send', `welcome:${LK}`, { to: '15550001111', notification: 'lead_welcome', consent: 'opted_in', template: { name: 'lead_welcome', parameters } }];
const teamAlert = (text = 'New lead Asha Rao from form contact (web) → ana'): ExpectedPlan => ['team.notify', `ops:lead.created:${LK}`, { event: 'lead.created', text, data: { leadId: 'lead_1', owner: 'ana', formId: 'contact' } }];

// Rows: (the submission, the settings) → (the plans, in order; the welcome's missing values).
describe('planLeadEffects: submission × settings → plans', () => {
  it.each<[string, LeadEvent, PlanSwitches, ExpectedPlan[], string[]]>([
    ['consented, everything configured', submitted(), {}, [upsert(), welcome(), teamAlert()], []],
    ['no consent: no welcome', submitted({ consent: false }), {}, [upsert(), teamAlert()], []],
    ['consented, no CRM', submitted(), { crm: false }, [welcome(), teamAlert()], []],
    ['consented, no messaging section', submitted(), { messaging: false }, [upsert(), teamAlert()], []],
    ['consented, welcome not configured', submitted(), { notifications: ['paymentReceipt'] }, [upsert(), teamAlert()], []],
    ['consented, team not subscribed to new leads', submitted(), { team: { ops: ['payment.failed'] } }, [upsert(), welcome()], []],
    ['consented, nothing configured', submitted(), { crm: false, messaging: false, team: {} }, [], []],
    ['consented, welcome needs consent whatever the transactional policy', submitted(), { transactional: 'unless_opted_out' }, [upsert(), welcome(), teamAlert()], []],
    ['consented without a phone: nobody to welcome', submitted({ phone: undefined }), {}, [upsert({ contact: { phone: undefined, email: 'Asha@Example.com', name: 'Asha Rao' } }), teamAlert()], []],
    ['consented with a phone too short to be one', submitted({ phone: '12345' }), {}, [upsert({ contact: { phone: undefined, email: 'Asha@Example.com', name: 'Asha Rao' } }), teamAlert()], []],
    ['consented without a name: named by the email, welcome unsent', submitted({ name: undefined }), {}, [upsert({ name: 'Lead: Asha@Example.com', contact: { phone: '15550001111', email: 'Asha@Example.com', name: undefined } }), teamAlert('New lead Asha@Example.com from form contact (web) → ana')], ['lead.name']],
    ['consented without a name, with a fallback', submitted({ name: undefined }), { fallbacks: { 'lead.name': 'there' } }, [upsert({ name: 'Lead: Asha@Example.com', contact: { phone: '15550001111', email: 'Asha@Example.com', name: undefined } }), welcome(['there', 'ana']), teamAlert('New lead Asha@Example.com from form contact (web) → ana')], []],
    ['no name and no email: named by the phone as given', submitted({ name: undefined, email: undefined, consent: false }), {}, [upsert({ name: 'Lead: +1 555 000 1111', contact: { phone: '15550001111', email: undefined, name: undefined } }), teamAlert('New lead +1 555 000 1111 from form contact (web) → ana')], []],
    ['nothing to name it by: the dedup key', submitted({ name: undefined, email: undefined, phone: undefined, consent: false }), {}, [upsert({ name: `Lead: ${LK}`, contact: { phone: undefined, email: undefined, name: undefined } }), teamAlert(`New lead ${LK} from form contact (web) → ana`)], []],
    ['no source', submitted({ source: undefined }), {}, [upsert({ source: undefined }), welcome(), teamAlert('New lead Asha Rao from form contact → ana')], []],
  ])('%s', (_, event, switches, expected, missing) => {
    const unsent: UnsentMessage[] = [];
    const plans = planLeadEffects(event, lead, planSettings(switches), unsent);
    expectPlans(plans, expected);
    for (const p of plans) expect([p.entityType, p.entityKey]).toEqual(['lead', LK]);
    expect(unsent.flatMap((u) => u.missing)).toEqual(missing);
  });
});

const routing = planSettings(
  {},
  {
    leadRouting: {
      web: {
        rules: [
          { id: 'emea', when: { region: ['EMEA', 'Europe'] }, owners: ['ana', 'ben'] },
          { id: 'apac-partner', when: { region: ['APAC'], source: ['partner'] }, owners: ['chen'] },
          { id: 'ads', when: { source: ['ads'] }, owners: ['dev'] },
          // A rule with no condition never matches: the default is for that.
          { id: 'anyone', when: {}, owners: ['nobody'] },
        ],
        default: { owners: ['dora'] },
      },
    },
  },
);

describe('routeLead: (rule set, region, source) → (rule, owners)', () => {
  it.each<[string, string, { region?: string; source?: string }, string, string[]]>([
    ['a region a rule lists', 'web', { region: 'EMEA' }, 'web.emea', ['ana', 'ben']],
    ['the region in another case', 'web', { region: 'europe', source: 'web' }, 'web.emea', ['ana', 'ben']],
    ['two rules match: the first wins', 'web', { region: 'EMEA', source: 'ads' }, 'web.emea', ['ana', 'ben']],
    ['region and source both as a rule needs', 'web', { region: 'apac', source: 'Partner' }, 'web.apac-partner', ['chen']],
    ['the region but another source', 'web', { region: 'APAC', source: 'web' }, 'web.default', ['dora']],
    ['the region but no source', 'web', { region: 'APAC' }, 'web.default', ['dora']],
    ['a source a rule lists, no region', 'web', { source: 'ADS' }, 'web.ads', ['dev']],
    ['nothing known: the default, never the rule without conditions', 'web', {}, 'web.default', ['dora']],
    ['an unknown rule set', 'partners', { region: 'EMEA' }, 'partners.unrouted', ['unassigned']],
  ])('%s', (_, ruleSet, attributes, ruleId, owners) => {
    expect(routeLead(routing, ruleSet, attributes)).toEqual({ ruleId, owners });
  });
});

describe('pickOwner: (owners, slot) → owner, round robin', () => {
  it.each<[string[], number, string]>([
    [['ana', 'ben', 'cy'], 0, 'ana'],
    [['ana', 'ben', 'cy'], 1, 'ben'],
    [['ana', 'ben', 'cy'], 2, 'cy'],
    [['ana', 'ben', 'cy'], 3, 'ana'],
    [['ana', 'ben', 'cy'], 7, 'ben'],
    [['solo'], 5, 'solo'],
    [[], 0, 'unassigned'],
  ])('%j at slot %i → %s', (owners, slot, owner) => expect(pickOwner(owners, slot)).toBe(owner));
});

describe('leadKeys: (email, phone) → dedup keys', () => {
  it.each<[string | undefined, string | undefined, string[]]>([
    ['asha@example.com', '+1 555 000 1111', ['email:asha@example.com', 'phone:15550001111']],
    ['  Asha@Example.COM ', undefined, ['email:asha@example.com']],
    [undefined, '+91 98765-43210', ['phone:919876543210']],
    [undefined, '1234-5678', ['phone:12345678']],
    [undefined, '123-4567', []],
    ['', '', []],
    [undefined, undefined, []],
  ])('%j, %j → %j', (email, phone, keys) => expect(leadKeys(submitted({ email, phone }))).toEqual(keys));
});
