import { addPaymentFact, foldPayment, paymentFactOf, type CanonicalOf, type PaymentFact } from '@switchyard/domain';
import { planPaymentEffects } from './payment-effects';
import type { UnsentMessage } from './plan-helpers';
import { expectPlans, planSettings, type ExpectedPlan, type PlanSwitches } from './plan-test-kit';

type PaymentEvent = CanonicalOf<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed'>;

const K = 'stripe:default:pi_1';
const at = (minute: number) => `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const base = (id: string, minute: number) => ({ provider: 'stripe', connection: 'default', providerEventId: id, occurredAt: at(minute), paymentId: 'pi_1', currency: 'usd' });
const customer = { phone: '+1 555 000 1111', name: 'Asha Rao' };

const paid = (o: Partial<CanonicalOf<'payment.succeeded'>> = {}): PaymentEvent => ({ ...base('evt_paid', 10), type: 'payment.succeeded', orderId: 'WEB-1042', amount: 49799, customer, link: 'https://dashboard.stripe.com/payments/pi_1', ...o });
const failed = (o: Partial<CanonicalOf<'payment.failed'>> = {}): PaymentEvent => ({ ...base('evt_failed', 5), type: 'payment.failed', orderId: 'WEB-1042', amount: 49799, customer, failureCode: 'card_declined', failureMessage: 'Your card was declined.', link: 'https://shop.example.com/pay/WEB-1042', ...o });
const refunded = (o: Partial<CanonicalOf<'payment.refunded'>> = {}): PaymentEvent => ({ ...base('evt_refund', 20), type: 'payment.refunded', refundId: 're_1', amount: 10000, full: false, customer: {}, ...o });
const disputed = (o: Partial<CanonicalOf<'payment.disputed'>> = {}): PaymentEvent => ({ ...base('evt_dispute', 30), type: 'payment.disputed', disputeId: 'du_1', amount: 49799, reason: 'fraudulent', customer: {}, ...o });

/** The plans for `event` after `history` was applied, as the payments worker folds it: version = facts so far. */
function planAfter(history: PaymentEvent[], event: PaymentEvent, switches: PlanSwitches) {
  let facts: PaymentFact[] = [];
  for (const e of [...history, event]) facts = addPaymentFact(facts, paymentFactOf(e)) ?? facts;
  const unsent: UnsentMessage[] = [];
  const plans = planPaymentEffects({ event, paymentKey: K, state: foldPayment(facts), version: facts.length, settings: planSettings(switches), unsent });
  return { plans, unsent };
}

const sync = (version: number): ExpectedPlan => ['crm.deal.sync', `${K}@v${version}`, { provider: 'hubspot', connection: 'default', paymentKey: K }];
const paymentNote = (deal = 'WEB-1042'): ExpectedPlan => ['crm.note', `payment-note:${K}`, { noteId: `payment-note:${K}`, deal: { externalId: deal }, paymentKey: K, body: expect.stringContaining('Payment received: 497.99 USD via stripe (payment pi_1)') }];
const receipt = (parameters = ['Asha Rao', '497.99 USD', 'WEB-1042'], o: Record<string, unknown> = {}): ExpectedPlan => ['message.send', `receipt:${K}`, { channel: 'whatsapp_cloud', to: '15550001111', notification: 'payment_receipt', consent: 'unless_opted_out', template: { name: 'payment_receipt', parameters }, ...o }];
const failureNotice = (parameters = ['Asha Rao', '497.99 USD', 'https://shop.example.com/pay/WEB-1042']): ExpectedPlan => ['message.send', `payment-failed:${K}`, { to: '15550001111', notification: 'payment_failed', unlessPaid: K, template: { parameters } }];
const team = (event: string, subject = K, data: Record<string, unknown> = { paymentKey: K }, channel = 'ops'): ExpectedPlan => [
  'team.notify',
  `${channel}:${event}:${subject}`,
  { name: channel, url: `https://hooks.example.com/${channel}`, event, data },
];
const refundNote = (refundId: string, ...says: string[]): ExpectedPlan => ['crm.note', `refund-note:${K}:${refundId}`, { noteId: `refund-note:${K}:${refundId}`, deal: { externalId: 'WEB-1042' }, paymentKey: K, body: expect.stringMatching(says.map((s) => s.replace(/[().]/g, '\\$&')).join('.*')) }];
const refundNotice = (refundId: string, amount: string): ExpectedPlan => ['message.send', `refund:${K}:${refundId}`, { notification: 'refund_notice', template: { parameters: ['Asha Rao', amount] } }];
const disputeNote = (deal: string): ExpectedPlan => ['crm.note', `dispute-note:${K}:du_1`, { deal: { externalId: deal }, paymentKey: K, body: expect.stringContaining('Dispute opened (fraudulent): 497.99 USD on payment pi_1 via stripe. A person must respond.') }];

const noCrm: PlanSwitches = { crm: false };
const nothing: PlanSwitches = { crm: false, messaging: false, team: {} };

// Rows: (what happened before, this event, the settings) → (the plans, in order; the messages not sent for want of a value).
describe('planPaymentEffects: payment state × settings → plans', () => {
  it.each<[string, PaymentEvent[], PaymentEvent, PlanSwitches, ExpectedPlan[], string[]]>([
    // pending → succeeded
    ['succeeded, everything configured', [], paid(), {}, [sync(1), paymentNote(), receipt(), team('payment.succeeded', K, { paymentKey: K, amount: '497.99 USD', orderId: 'WEB-1042' })], []],
    ['succeeded, no CRM', [], paid(), noCrm, [receipt(), team('payment.succeeded')], []],
    ['succeeded, no messaging section', [], paid(), { messaging: false }, [sync(1), paymentNote(), team('payment.succeeded')], []],
    ['succeeded, receipt not configured', [], paid(), { notifications: ['paymentFailed', 'refundNotice'] }, [sync(1), paymentNote(), team('payment.succeeded')], []],
    ['succeeded, team subscribed to failures only', [], paid(), { team: { ops: ['payment.failed'] } }, [sync(1), paymentNote(), receipt()], []],
    ['succeeded, two team channels subscribed', [], paid(), { team: { ops: ['payment.succeeded'], sales: ['payment.succeeded', 'lead.created'] } }, [sync(1), paymentNote(), receipt(), team('payment.succeeded'), team('payment.succeeded', K, { paymentKey: K }, 'sales')], []],
    ['succeeded, nothing configured', [], paid(), nothing, [], []],
    ['succeeded, consent needed for transactional messages', [], paid(), { transactional: 'opted_in' }, [sync(1), paymentNote(), receipt(undefined, { consent: 'opted_in' }), team('payment.succeeded')], []],
    ['succeeded, sent through Twilio', [], paid(), { channel: 'twilio' }, [sync(1), paymentNote(), receipt(undefined, { channel: 'twilio' }), team('payment.succeeded')], []],
    ['succeeded, customer without a phone', [], paid({ customer: { name: 'Asha Rao' } }), {}, [sync(1), paymentNote(), team('payment.succeeded')], []],
    ['succeeded, customer without a name', [], paid({ customer: { phone: '+15550001111' } }), {}, [sync(1), paymentNote(), team('payment.succeeded')], ['customer.name']],
    ['succeeded, customer without a name, with a fallback', [], paid({ customer: { phone: '+15550001111' } }), { fallbacks: { 'customer.name': 'there' } }, [sync(1), paymentNote(), receipt(['there', '497.99 USD', 'WEB-1042']), team('payment.succeeded')], []],
    ['succeeded, no order id: the deal is the payment itself', [], paid({ orderId: undefined }), {}, [sync(1), paymentNote(K), team('payment.succeeded', K, { paymentKey: K })], ['order.id']],
    ['succeeded after a failed attempt', [failed()], paid(), {}, [sync(2), paymentNote(), receipt(), team('payment.succeeded')], []],
    ['succeeded reported twice: a new sync, the same keys for the rest', [paid({ providerEventId: 'evt_paid_a' })], paid({ providerEventId: 'evt_paid_b' }), {}, [sync(2), paymentNote(), receipt(), team('payment.succeeded')], []],
    // pending → failed
    ['failed, everything configured', [], failed(), {}, [sync(1), failureNotice(), team('payment.failed', K, { paymentKey: K, failureCode: 'card_declined' })], []],
    ['failed, no CRM', [], failed(), noCrm, [failureNotice(), team('payment.failed')], []],
    ['failed, failure notice not configured', [], failed(), { notifications: ['paymentReceipt'] }, [sync(1), team('payment.failed')], []],
    ['failed, no retry link', [], failed({ link: undefined }), {}, [sync(1), team('payment.failed')], ['payment.link']],
    ['failed, no retry link, with a fallback', [], failed({ link: undefined }), { fallbacks: { 'payment.link': 'https://shop.example.com/checkout' } }, [sync(1), failureNotice(['Asha Rao', '497.99 USD', 'https://shop.example.com/checkout']), team('payment.failed')], []],
    ['failed, nothing configured', [], failed(), nothing, [], []],
    ['failed again after a failure: the same notice key', [failed({ providerEventId: 'evt_failed_a', occurredAt: at(1) })], failed(), {}, [sync(2), failureNotice(), team('payment.failed')], []],
    // a failure learned after the money was taken tells nobody anything
    ['failed, arriving after the success it preceded', [paid()], failed(), {}, [sync(2)], []],
    ['failed, arriving after a refund', [paid(), refunded()], failed({ occurredAt: at(25) }), {}, [sync(3)], []],
    // succeeded → (partially) refunded
    ['partially refunded, everything configured', [paid()], refunded(), {}, [sync(2), refundNote('re_1', '(partial)', '100.00 USD', 'refunded so far 100.00 USD'), refundNotice('re_1', '100.00 USD'), team('payment.refunded', `${K}:re_1`, { paymentKey: K, refundId: 're_1' })], []],
    ['refunded in full', [paid()], refunded({ refundId: 're_2', amount: 49799, full: true }), {}, [sync(2), refundNote('re_2', '(full)', '497.99 USD', 'refunded so far 497.99 USD'), refundNotice('re_2', '497.99 USD'), team('payment.refunded', `${K}:re_2`, { paymentKey: K, refundId: 're_2' })], []],
    ['a second partial refund: its own keys, the running total in the note', [paid(), refunded()], refunded({ providerEventId: 'evt_refund_2', occurredAt: at(21), refundId: 're_2', amount: 5000 }), {}, [sync(3), refundNote('re_2', '(partial)', '50.00 USD', 'refunded so far 150.00 USD'), refundNotice('re_2', '50.00 USD'), team('payment.refunded', `${K}:re_2`, { paymentKey: K, refundId: 're_2' })], []],
    ['refunded, only the running total reported (no refund id)', [paid()], refunded({ refundId: undefined, totalRefunded: 10000 }), {}, [sync(2)], []],
    ['refunded, no CRM', [paid()], refunded(), noCrm, [refundNotice('re_1', '100.00 USD'), team('payment.refunded', `${K}:re_1`, { paymentKey: K, refundId: 're_1' })], []],
    ['refunded, refund notice not configured', [paid()], refunded(), { notifications: ['paymentReceipt', 'paymentFailed'] }, [sync(2), refundNote('re_1', '(partial)'), team('payment.refunded', `${K}:re_1`, { paymentKey: K, refundId: 're_1' })], []],
    ['refunded, no customer name known', [paid({ customer: { phone: '+15550001111' } })], refunded(), {}, [sync(2), refundNote('re_1', '(partial)'), team('payment.refunded', `${K}:re_1`, { paymentKey: K, refundId: 're_1' })], ['customer.name']],
    ['refunded, nothing configured', [paid()], refunded(), nothing, [], []],
    ['refunded before the success arrived: no phone known yet, the deal is the payment', [], refunded(), {}, [sync(1), ['crm.note', `refund-note:${K}:re_1`, { deal: { externalId: K }, body: expect.stringContaining('Refund (partial): 100.00 USD') }], team('payment.refunded', `${K}:re_1`, { paymentKey: K, refundId: 're_1' })], []],
    // → disputed: a note and an alert, never a customer message
    ['disputed after success, everything configured', [paid()], disputed(), {}, [sync(2), disputeNote('WEB-1042'), team('payment.disputed', `${K}:du_1`, { paymentKey: K, disputeId: 'du_1' })], []],
    ['disputed before the success arrived: the deal is the payment', [], disputed(), {}, [sync(1), disputeNote(K), team('payment.disputed', `${K}:du_1`, { paymentKey: K, disputeId: 'du_1' })], []],
    ['disputed, no CRM', [paid()], disputed(), noCrm, [team('payment.disputed', `${K}:du_1`, { paymentKey: K, disputeId: 'du_1' })], []],
    ['disputed, team not subscribed', [paid()], disputed(), { team: { ops: ['payment.succeeded'] } }, [sync(2), disputeNote('WEB-1042')], []],
    ['disputed, nothing configured', [paid()], disputed(), nothing, [], []],
  ])('%s', (_, history, event, switches, expected, missing) => {
    const { plans, unsent } = planAfter(history, event, switches);
    expectPlans(plans, expected);
    expect(unsent.flatMap((u) => u.missing)).toEqual(missing);
  });
});

describe('planPaymentEffects: who performs each plan', () => {
  it.each<[string, PlanSwitches, Record<string, [provider: string, connection: string]>]>([
    ['WhatsApp', {}, { 'crm.deal.sync': ['hubspot', 'default'], 'crm.note': ['hubspot', 'default'], 'message.send': ['whatsapp', 'default'], 'team.notify': ['http', 'ops'] }],
    ['Twilio', { channel: 'twilio' }, { 'crm.deal.sync': ['hubspot', 'default'], 'crm.note': ['hubspot', 'default'], 'message.send': ['twilio', 'default'], 'team.notify': ['http', 'ops'] }],
  ])('messages through %s; every plan is about the payment', (_, switches, performers) => {
    const { plans } = planAfter([], paid(), switches);
    expect(Object.fromEntries(plans.map((p) => [p.kind, [p.provider, p.connection]]))).toEqual(performers);
    for (const p of plans) expect([p.entityType, p.entityKey]).toEqual(['payment', K]);
  });

  it('only a failure notice is held back once the payment is paid', () => {
    const kinds = (plans: { kind: string; request: Record<string, unknown> }[]) => plans.filter((p) => p.kind === 'message.send').map((p) => p.request.unlessPaid);
    expect(kinds(planAfter([], paid(), {}).plans)).toEqual([undefined]);
    expect(kinds(planAfter([paid()], refunded(), {}).plans)).toEqual([undefined]);
    expect(kinds(planAfter([], failed(), {}).plans)).toEqual([K]);
  });
});
