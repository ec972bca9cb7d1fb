import type { CanonicalOf } from '@switchyard/domain';
import type { UnsentMessage } from './plan-helpers';
import { expectPlans, planSettings, type ExpectedPlan, type PlanSwitches } from './plan-test-kit';
import { ourStage, planStageEffects, stageEntityKey, type StageRecipient } from './stage-effects';

type StageEvent = CanonicalOf<'deal.stage_changed'>;

const stageMappings = { statusMappings: { crmStages: { hubspot: { closedwon: 'won', appointmentscheduled: 'meeting' }, pipedrive: { '5': 'won' } } } };
const settingsOf = (switches: PlanSwitches = {}) => planSettings(switches, stageMappings);

const changed = (o: Partial<StageEvent> = {}): StageEvent => ({
  type: 'deal.stage_changed',
  provider: 'hubspot',
  connection: 'default',
  providerEventId: 'e1',
  occurredAt: '2026-12-01T10:00:00.000Z',
  objectType: 'deal',
  objectId: '1001',
  oldStage: 'appointmentscheduled',
  newStage: 'closedwon',
  contact: {},
  ...o,
});

const EK = 'hubspot:default:deal:1001';
const resolved: StageRecipient = { phone: '15550001111', name: 'Asha', email: 'asha@example.com' };
const wonMessage = (to: string, name: string, o: { entityKey?: string; channel?: string } = {}): ExpectedPlan => [
  'message.send',
  `stage:${o.entityKey ?? EK}:won`,
  { channel: o.channel ?? 'whatsapp_cloud', to, notification: 'deal_won', consent: 'opted_in', template: { name: 'deal_won', parameters: [name, 'won'] }, context: { deal: { stage: 'won' } } },
];

// Rows: (the stage change, the recipient the worker resolved, the settings) → (the plans; the missing values).
describe('planStageEffects: stage change × recipient × settings → plans', () => {
  it.each<[string, StageEvent, StageRecipient | null, PlanSwitches, ExpectedPlan[], string[]]>([
    ['a mapped stage with a template, the webhook names the contact', changed({ contact: { phone: '+1 555 000 2222', name: 'Hub' } }), null, {}, [wonMessage('15550002222', 'Hub')], []],
    ['the webhook has no contact: the resolved one', changed(), resolved, {}, [wonMessage('15550001111', 'Asha')], []],
    ["the webhook's phone and name win over the resolved ones", changed({ contact: { phone: '15550002222', name: 'Hub' } }), resolved, {}, [wonMessage('15550002222', 'Hub')], []],
    ['the webhook has a phone, the name is resolved', changed({ contact: { phone: '15550002222' } }), resolved, {}, [wonMessage('15550002222', 'Asha')], []],
    ["the webhook's phone is too short: the resolved one", changed({ contact: { phone: '12345' } }), resolved, {}, [wonMessage('15550001111', 'Asha')], []],
    ['a stage sent already in our words', changed({ newStage: 'won' }), resolved, {}, [wonMessage('15550001111', 'Asha')], []],
    ['a mapped stage with no template', changed({ newStage: 'appointmentscheduled' }), resolved, {}, [], []],
    ['an unmapped stage', changed({ newStage: 'qualifiedtobuy' }), resolved, {}, [], []],
    ['another CRM with its own mapping', changed({ provider: 'pipedrive', objectId: '77', newStage: '5' }), resolved, {}, [wonMessage('15550001111', 'Asha', { entityKey: 'pipedrive:default:deal:77' })], []],
    ["another CRM's stage is not mapped with HubSpot's table", changed({ provider: 'salesforce', newStage: 'closedwon' }), resolved, {}, [], []],
    ['a lead, not a deal', changed({ objectType: 'lead' }), resolved, {}, [wonMessage('15550001111', 'Asha', { entityKey: 'hubspot:default:lead:1001' })], []],
    ['nobody to send to', changed(), null, {}, [], []],
    ['a recipient without a name', changed({ contact: { phone: '15550002222' } }), null, {}, [], ['customer.name']],
    ['a recipient without a name, with a fallback', changed({ contact: { phone: '15550002222' } }), null, { fallbacks: { 'customer.name': 'there' } }, [wonMessage('15550002222', 'there')], []],
    ['sent through Twilio', changed(), resolved, { channel: 'twilio' }, [wonMessage('15550001111', 'Asha', { channel: 'twilio' })], []],
    ['opt-in needed whatever the transactional policy', changed(), resolved, { transactional: 'unless_opted_out' }, [wonMessage('15550001111', 'Asha')], []],
    ['no messaging section', changed(), resolved, { messaging: false }, [], []],
  ])('%s', (_, event, recipient, switches, expected, missing) => {
    const unsent: UnsentMessage[] = [];
    const plans = planStageEffects(event, settingsOf(switches), recipient, unsent);
    expectPlans(plans, expected);
    for (const p of plans) expect(p.entityType).toBe('deal');
    expect(unsent.flatMap((u) => u.missing)).toEqual(missing);
  });

  it('puts the email it knows into the message context', () => {
    expect(planStageEffects(changed({ contact: { phone: '15550002222', name: 'Hub' } }), settingsOf(), resolved)[0]?.request).toMatchObject({ context: { customer: { name: 'Hub', phone: '15550002222', email: 'asha@example.com' } } });
    expect(planStageEffects(changed({ contact: { email: 'hub@example.com' } }), settingsOf(), resolved)[0]?.request).toMatchObject({ context: { customer: { email: 'hub@example.com' } } });
  });
});

describe('ourStage and stageEntityKey', () => {
  it.each<[string, string, string]>([
    ['hubspot', 'closedwon', 'won'],
    ['hubspot', 'appointmentscheduled', 'meeting'],
    ['hubspot', 'qualifiedtobuy', 'qualifiedtobuy'],
    ['pipedrive', '5', 'won'],
    ['pipedrive', 'closedwon', 'closedwon'],
    ['salesforce', 'Closed Won', 'Closed Won'],
  ])('%s stage %j → %j', (provider, newStage, stage) => expect(ourStage(settingsOf(), changed({ provider, newStage }))).toBe(stage));

  it.each<[Partial<StageEvent>, string]>([
    [{}, 'hubspot:default:deal:1001'],
    [{ provider: 'pipedrive', connection: 'eu', objectType: 'lead', objectId: '9' }, 'pipedrive:eu:lead:9'],
    [{ provider: 'salesforce', objectType: 'opportunity', objectId: '006xx' }, 'salesforce:default:opportunity:006xx'],
  ])('%j → %s', (o, key) => expect(stageEntityKey(changed(o))).toBe(key));
});
