import type { CanonicalOf } from '@switchyard/domain';
import { parseSettings } from '@switchyard/settings';
import type { UnsentMessage } from './plan-helpers';
import { planStageEffects } from './stage-effects';

const settings = parseSettings(
  {
    version: 1,
    outbound: { whatsapp: { default: { baseUrl: 'http://sandbox', token: 't', phoneNumberId: '1' } } },
    statusMappings: { crmStages: { hubspot: { closedwon: 'won' } } },
    messaging: { channel: 'whatsapp_cloud', templates: { deal_won: { name: 'deal_won', language: 'en_US', parameters: ['customer.name', 'deal.stage'] } }, stageNotifications: { won: 'deal_won' } },
  },
  {},
);

const event = (contact: CanonicalOf<'deal.stage_changed'>['contact'], newStage = 'closedwon'): CanonicalOf<'deal.stage_changed'> => ({
  type: 'deal.stage_changed',
  provider: 'hubspot',
  connection: 'default',
  providerEventId: 'e1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  objectType: 'deal',
  objectId: '1001',
  oldStage: null,
  newStage,
  contact,
});

describe('planStageEffects', () => {
  it('sends the mapped stage template to the resolved recipient when the webhook has no phone', () => {
    const [plan] = planStageEffects(event({}), settings, { phone: '15550001111', name: 'Asha' });
    expect(plan).toMatchObject({ businessKey: 'stage:hubspot:default:deal:1001:won', entityType: 'deal', entityKey: 'hubspot:default:deal:1001', request: { to: '15550001111', consent: 'opted_in', template: { name: 'deal_won', parameters: ['Asha', 'won'] } } });
  });

  it("prefers the webhook's own phone and plans nothing without a recipient or a template", () => {
    expect(planStageEffects(event({ phone: '+1 555 000 2222', name: 'Hub' }), settings, { phone: '15550001111' })[0]?.request).toMatchObject({ to: '15550002222' });
    expect(planStageEffects(event({}), settings, null)).toEqual([]);
    expect(planStageEffects(event({ phone: '15550002222' }, 'qualifiedtobuy'), settings)).toEqual([]);
  });

  it('plans nothing when the contact has no name for the template, and says so', () => {
    const unsent: UnsentMessage[] = [];
    expect(planStageEffects(event({ phone: '15550002222' }), settings, null, unsent)).toEqual([]);
    expect(unsent).toEqual([{ notification: 'deal_won', businessKey: 'stage:hubspot:default:deal:1001:won', entityType: 'deal', entityKey: 'hubspot:default:deal:1001', missing: ['customer.name'] }]);
  });
});
