import { foldPayment, paymentFactOf, type CanonicalOf } from '@switchyard/domain';
import { parseSettings } from '@switchyard/settings';
import type { MessageSendRequest } from '../effect-requests';
import { planPaymentEffects } from './payment-effects';
import type { UnsentMessage } from './plan-helpers';

type PaymentEvent = CanonicalOf<'payment.succeeded' | 'payment.failed'>;

/** The example file's two payment templates; `fallbacks` adds `{ path, fallback }` parameters. */
function settingsWith(fallbacks: Record<string, string> = {}) {
  const param = (path: string) => (fallbacks[path] ? { path, fallback: fallbacks[path] } : path);
  return parseSettings(
    {
      version: 1,
      outbound: { whatsapp: { default: { baseUrl: 'http://sandbox', token: 't', phoneNumberId: '1' } } },
      consent: { transactional: 'unless_opted_out' },
      messaging: {
        channel: 'whatsapp_cloud',
        templates: {
          payment_receipt: { name: 'payment_receipt', language: 'en_US', parameters: ['customer.name', 'payment.amount', 'order.id'].map(param), text: 'Thanks {{customer.name}}! We received {{payment.amount}} for order {{order.id}}.' },
          payment_failed: { name: 'payment_failed', language: 'en_US', parameters: ['customer.name', 'payment.amount', 'payment.link'].map(param) },
        },
        notifications: { paymentReceipt: 'payment_receipt', paymentFailed: 'payment_failed' },
      },
    },
    {},
  );
}

const base = { provider: 'stripe', connection: 'default', providerEventId: 'evt_1', occurredAt: '2026-12-01T10:00:00.000Z', paymentId: 'pi_1', amount: 49799, currency: 'usd' };
const succeeded = (extra: Partial<CanonicalOf<'payment.succeeded'>> = {}): PaymentEvent => ({ ...base, type: 'payment.succeeded', customer: { phone: '+15550001111' }, link: 'https://dashboard.stripe.com/payments/pi_1', ...extra });
const failed = (extra: Partial<CanonicalOf<'payment.failed'>> = {}): PaymentEvent => ({ ...base, type: 'payment.failed', customer: { phone: '+15550001111', name: 'Asha Rao' }, ...extra });

function plan(event: PaymentEvent, settings = settingsWith()) {
  const state = foldPayment([paymentFactOf(event)]);
  const unsent: UnsentMessage[] = [];
  const plans = planPaymentEffects({ event, paymentKey: 'stripe:default:pi_1', state, version: 1, settings, unsent });
  const sends = plans.filter((p) => p.kind === 'message.send').map((p) => p.request as unknown as MessageSendRequest);
  return { sends, unsent };
}

describe('planPaymentEffects: a customer message is planned whole or not at all', () => {
  it.each<[string, PaymentEvent, Record<string, string>, string[] | null, string[]]>([
    ['receipt with name and order', succeeded({ orderId: 'WEB-1042', customer: { phone: '+15550001111', name: 'Asha Rao' } }), {}, ['Asha Rao', '497.99 USD', 'WEB-1042'], []],
    ['receipt without a name or an order id', succeeded(), {}, null, ['customer.name', 'order.id']],
    ['receipt without a name, with a fallback', succeeded({ orderId: 'WEB-1042' }), { 'customer.name': 'there' }, ['there', '497.99 USD', 'WEB-1042'], []],
    ['failure notice with the gateway\'s retry link', failed({ link: 'https://shop.example.com/pay/WEB-1042' }), {}, ['Asha Rao', '497.99 USD', 'https://shop.example.com/pay/WEB-1042'], []],
    ['failure notice without a retry link', failed(), {}, null, ['payment.link']],
    ['failure notice without a retry link, with a fallback', failed(), { 'payment.link': 'https://shop.example.com/checkout' }, ['Asha Rao', '497.99 USD', 'https://shop.example.com/checkout'], []],
  ])('%s', (_, event, fallbacks, parameters, missing) => {
    const { sends, unsent } = plan(event, settingsWith(fallbacks));
    expect(sends.map((s) => s.template.parameters)).toEqual(parameters ? [parameters] : []);
    expect(unsent.flatMap((u) => u.missing)).toEqual(missing);
  });

  it('names the notification, the payment and the missing values for the attention item', () => {
    const { unsent } = plan(succeeded());
    expect(unsent).toEqual([{ notification: 'payment_receipt', businessKey: 'receipt:stripe:default:pi_1', entityType: 'payment', entityKey: 'stripe:default:pi_1', missing: ['customer.name', 'order.id'] }]);
  });

  it('never sends the payment\'s dashboard link as a failure notice\'s retry link', () => {
    const { unsent } = plan(failed({ link: undefined }));
    expect(unsent[0]?.missing).toEqual(['payment.link']);
  });

  it('carries the values, so the sending worker can render the template it has then', () => {
    const { sends } = plan(succeeded({ orderId: 'WEB-1042' }), settingsWith({ 'customer.name': 'there' }));
    expect(sends[0]).toMatchObject({ notification: 'payment_receipt', text: 'Thanks there! We received 497.99 USD for order WEB-1042.', context: { order: { id: 'WEB-1042' }, payment: { amount: '497.99 USD' } } });
  });
});

const refundSettings = parseSettings(
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

const refundState = { ...foldPayment([]), status: 'partially_refunded' as const, amount: 2000, currency: 'usd', refundedAmount: 500, customer: { phone: '15550001111' } };
const planRefund = (event: CanonicalOf<'payment.refunded'>) => planPaymentEffects({ event, paymentKey: 'stripe:default:pi_1', state: refundState, version: 2, settings: refundSettings }).map((p) => p.businessKey);

describe('planPaymentEffects for refunds', () => {
  it('sends a refund notice keyed by the refund id, so two reports of one refund send one', () => {
    expect(planRefund(refund({ refundId: 're_1' }))).toEqual(['refund:stripe:default:pi_1:re_1']);
    expect(planRefund(refund({ refundId: 're_1', providerEventId: 'evt_2' }))).toEqual(['refund:stripe:default:pi_1:re_1']);
  });

  it('plans no notice for an event that only reports the running total (no refund id): the refund event brings it', () => {
    expect(planRefund(refund({ amount: 500, totalRefunded: 500 }))).toEqual([]);
  });
});
