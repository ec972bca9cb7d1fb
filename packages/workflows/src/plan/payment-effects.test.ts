import { foldPayment, type CanonicalOf } from '@switchyard/domain';
import { parseSettings } from '@switchyard/settings';
import { planPaymentEffects } from './payment-effects';

const settings = parseSettings(
  {
    version: 1,
    outbound: { whatsapp: { default: { baseUrl: 'http://sandbox', token: 't', phoneNumberId: '1' } } },
    messaging: { channel: 'whatsapp_cloud', templates: { refund_notice: { name: 'refund_notice', language: 'en_US', parameters: ['refund.amount'] } }, notifications: { refundNotice: 'refund_notice' } },
    consent: { transactional: 'unless_opted_out' },
  },
  {},
);

const refund = (fields: Partial<CanonicalOf<'payment.refunded'>>): CanonicalOf<'payment.refunded'> => ({
  type: 'payment.refunded',
  provider: 'stripe',
  connection: 'default',
  providerEventId: 'evt_1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  paymentId: 'pi_1',
  amount: 500,
  currency: 'usd',
  full: false,
  customer: { phone: '15550001111' },
  ...fields,
});

const state = { ...foldPayment([]), status: 'partially_refunded' as const, amount: 2000, currency: 'usd', refundedAmount: 500, customer: { phone: '15550001111' } };
const plan = (event: CanonicalOf<'payment.refunded'>) => planPaymentEffects({ event, paymentKey: 'stripe:default:pi_1', state, version: 2, settings }).map((p) => p.businessKey);

describe('planPaymentEffects for refunds', () => {
  it('sends a refund notice keyed by the refund id, so two reports of one refund send one', () => {
    expect(plan(refund({ refundId: 're_1' }))).toEqual(['refund:stripe:default:pi_1:re_1']);
    expect(plan(refund({ refundId: 're_1', providerEventId: 'evt_2' }))).toEqual(['refund:stripe:default:pi_1:re_1']);
  });

  it('plans no notice for an event that only reports the running total (no refund id): the refund event brings it', () => {
    expect(plan(refund({ amount: 500, totalRefunded: 500 }))).toEqual([]);
  });
});
