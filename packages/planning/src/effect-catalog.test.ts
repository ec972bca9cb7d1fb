import { foldPayment, paymentFactOf, type CanonicalOf } from '@switchyard/domain';
import { parseSettings } from '@switchyard/settings';
import { effectCatalog, isEffectKind } from './effect-catalog';
import type { EffectPlan } from './effect-plan';
import { planLeadEffects } from './planners/lead-effects';
import { planInboundMessage, planMessageFailure } from './planners/message-effects';
import { planPaymentEffects } from './planners/payment-effects';
import { planStageEffects } from './planners/stage-effects';

// Every section that makes a planner plan something: a CRM, team channels for every event, every notification.
const settings = parseSettings(
  {
    version: 1,
    outbound: { hubspot: { default: { baseUrl: 'http://sandbox', token: 't' } }, whatsapp: { default: { baseUrl: 'http://sandbox', token: 't', phoneNumberId: '1' } } },
    crm: { provider: 'hubspot', pipeline: 'default', stages: { paid: 'closedwon', paymentFailed: 'failed', refunded: 'refunded', disputed: 'disputed', newLead: 'new' } },
    consent: { transactional: 'unless_opted_out' },
    messaging: {
      channel: 'whatsapp_cloud',
      templates: {
        receipt: { name: 'payment_receipt', language: 'en_US', parameters: [{ path: 'customer.name', fallback: 'there' }, 'payment.amount'], text: 'Thanks {{customer.name}}!' },
        failed: { name: 'payment_failed', language: 'en_US', parameters: ['payment.amount'] },
        refund: { name: 'refund_notice', language: 'en_US', parameters: ['refund.amount'] },
        welcome: { name: 'lead_welcome', language: 'en_US', parameters: ['lead.owner'] },
        won: { name: 'deal_won', language: 'en_US', parameters: ['deal.stage'] },
      },
      notifications: { paymentReceipt: 'receipt', paymentFailed: 'failed', refundNotice: 'refund', leadWelcome: 'welcome' },
      stageNotifications: { closedwon: 'won' },
    },
    team: { notifications: [{ name: 'ops', url: 'https://hooks.example.com/ops', format: 'json', events: ['payment.succeeded', 'payment.failed', 'payment.refunded', 'payment.disputed', 'message.failed', 'lead.created'] }] },
  },
  {},
);

const base = { provider: 'stripe', connection: 'default', providerEventId: 'evt_1', occurredAt: '2026-12-01T10:00:00.000Z', paymentId: 'pi_1', amount: 4999, currency: 'usd', customer: { phone: '+15550001111', name: 'Asha' } };
const payment = (event: CanonicalOf<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed'>) =>
  planPaymentEffects({ event, paymentKey: 'stripe:default:pi_1', state: foldPayment([paymentFactOf(event)]), version: 1, settings });
const meta = { provider: 'whatsapp', connection: 'default', providerEventId: 'wamid.1', occurredAt: '2026-12-01T10:00:00.000Z' };

const planned: [string, EffectPlan[]][] = [
  ['payment succeeded', payment({ ...base, type: 'payment.succeeded', orderId: 'WEB-1' })],
  ['payment failed', payment({ ...base, type: 'payment.failed', failureCode: 'card_declined' })],
  ['payment refunded', payment({ ...base, type: 'payment.refunded', refundId: 're_1', full: true })],
  ['payment disputed', payment({ ...base, type: 'payment.disputed', disputeId: 'dp_1', reason: 'fraudulent' })],
  ['stage changed', planStageEffects({ ...meta, provider: 'hubspot', type: 'deal.stage_changed', objectType: 'deal', objectId: '42', oldStage: null, newStage: 'closedwon', contact: { phone: '+15550001111' } }, settings)],
  ['message failed', planMessageFailure({ ...meta, type: 'message.status_changed', channel: 'whatsapp_cloud', messageId: 'wamid.1', recipient: '15550001111', status: 'failed', errorCode: '131026' }, settings, null)],
  ['inbound message', planInboundMessage({ ...meta, type: 'message.received', channel: 'whatsapp_cloud', messageId: 'wamid.2', from: '15550001111', text: 'hi', messageType: 'text', profileName: 'Asha' }, settings)],
  [
    'lead submitted',
    planLeadEffects({ ...meta, provider: 'form', type: 'lead.submitted', formId: 'contact', email: 'asha@example.com', phone: '+15550001111', name: 'Asha', consent: true, fields: {} }, { id: 'lead-1', dedupKey: 'email:asha@example.com', owner: 'anna' }, settings),
  ],
];

describe('the effect catalog against what the planners write', () => {
  it('every kind planned somewhere is in the catalog, and each case plans something', () => {
    for (const [, plans] of planned) expect(plans.length).toBeGreaterThan(0);
    const kinds = new Set<string>(planned.flatMap(([, plans]) => plans.map((p) => p.kind)));
    expect([...kinds].filter((k) => !isEffectKind(k))).toEqual([]);
    // payment.refund is planned by the payments worker from a refund.requested event, not by a planner here.
    expect(Object.keys(effectCatalog).filter((k) => !kinds.has(k)).sort()).toEqual(['payment.refund']);
  });

  it.each(planned)('%s: each request, as stored (JSON), parses with its kind\'s schema unchanged, on its kind\'s queue', (_, plans) => {
    for (const plan of plans) {
      const stored: unknown = JSON.parse(JSON.stringify(plan.request));
      const definition = effectCatalog[plan.kind];
      expect([plan.kind, definition.request.safeParse(stored).data]).toEqual([plan.kind, stored]);
      expect([plan.kind, plan.queue]).toEqual([plan.kind, definition.queue]);
    }
  });
});
