import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalEvent } from '@switchyard/domain';
import type { InboundRequest } from '../provider-adapter';
import { parseStripeEvent, stripeEvent } from './parse-stripe-event';

const fixture = () => JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/stripe/payment_intent.succeeded.json'), 'utf8'));
const ctx = { provider: 'stripe', connection: 'default', providerEventId: 'evt_1', request: {} as InboundRequest };
const parse = (event: unknown) => canonicalEvent.parse(parseStripeEvent(stripeEvent.parse(event), ctx).canonical);

describe('stripe parse: who paid, for which order, where to pay again', () => {
  it('takes the order id and the name from the metadata the checkout wrote', () => {
    const event = fixture();
    event.data.object.metadata = { order_id: 'WEB-1042', name: 'Asha Rao' };
    expect(parse(event)).toMatchObject({ type: 'payment.succeeded', orderId: 'WEB-1042', customer: { name: 'Asha Rao' } });
  });

  it('takes the name from an expanded latest_charge, else checkout details, else shipping', () => {
    const event = fixture();
    event.data.object.metadata = {};
    event.data.object.latest_charge = { id: 'ch_1', billing_details: { name: 'Kofi Mensah', email: null, phone: '+15550001111' } };
    expect(parse(event)).toMatchObject({ customer: { name: 'Kofi Mensah', phone: '+15550001111' } });
    event.data.object.latest_charge = 'ch_1';
    event.data.object.shipping = { name: 'Lena Fischer' };
    expect(parse(event)).toMatchObject({ customer: { name: 'Lena Fischer' } });
  });

  it('carries a retry link on a failure only when the merchant put one in the metadata', () => {
    const event = fixture();
    event.type = 'payment_intent.payment_failed';
    event.data.object.metadata = { retry_url: 'https://shop.example.com/pay/WEB-1042' };
    expect(parse(event)).toMatchObject({ type: 'payment.failed', link: 'https://shop.example.com/pay/WEB-1042' });
    event.data.object.metadata = {};
    expect(parse(event)).not.toHaveProperty('link');
  });
});
