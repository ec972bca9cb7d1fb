import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';
import { must } from '@switchyard/testing';

/**
 * "Thanks ! We received 497.99 USD for order ." must not go out: a receipt goes with every value
 * filled, or not at all with an attention item naming what was missing for which payment.
 */
describe('customer messages are sent whole or not at all', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      settings: {
        messaging: {
          channel: 'whatsapp_cloud',
          // No fallbacks: a value the gateway does not send stops the message.
          templates: { payment_receipt: { name: 'payment_receipt', language: 'en_US', parameters: ['customer.name', 'payment.amount', 'order.id'], text: 'Thanks {{customer.name}}! We received {{payment.amount}} for order {{order.id}}.' } },
          notifications: { paymentReceipt: 'payment_receipt' },
        },
      },
    });
  });
  afterAll(async () => {
    await fleet.close();
  });

  it('a Stripe receipt carries the name and order id from the intent; a Razorpay capture without a name sends nothing and says why', async () => {
    const stripe = createSubject(mulberry32(1201));
    const razorpay = createSubject(mulberry32(1202));
    await fleet.deliver(buildWebhook('stripe', 'payment_intent.succeeded', { subject: stripe, to: fleet.receiverUrl }));
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject: razorpay, to: fleet.receiverUrl }));
    await fleet.settled();

    const sends = await fleet.sandboxRequests({ provider: 'whatsapp' });
    expect(sends.map((s) => (s.body as { to: string }).to)).toEqual([stripe.phone]);
    const parameters = must((must(sends[0]).body as { template: { components: { parameters: { text: string }[] }[] } }).template.components[0]).parameters.map((p) => p.text);
    expect(parameters).toEqual([stripe.name, expect.stringMatching(/^\d+\.\d{2} USD$/), `order_${stripe.stripe.paymentIntent.slice(-10)}`]);
    expect(sends.every((s) => s.status === 200)).toBe(true);

    const attention = await fleet.db.$queryRawUnsafe<{ kind: string; entity_type: string; entity_key: string; summary: string }[]>(`SELECT kind, entity_type, entity_key, summary FROM attention_items ORDER BY created_at`);
    expect(attention).toEqual([
      {
        kind: 'message.missing_value:payment_receipt',
        entity_type: 'payment',
        entity_key: `razorpay:default:${razorpay.razorpay.payment}`,
        summary: expect.stringMatching(new RegExp(`^Message payment_receipt for payment razorpay:default:${razorpay.razorpay.payment} not sent: no value for customer\\.name\\. `)),
      },
    ]);
  });
});
