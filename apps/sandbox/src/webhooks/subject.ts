import { ids } from '../support/ids';
import { pick, randomInt, type Rng } from '../support/rng';
import type { Subject } from './types';

const FIRST = ['Asha', 'Mateo', 'Lena', 'Kofi', 'Yuki', 'Priya', 'Noah', 'Sofia', 'Omar', 'Chloe'];
const LAST = ['Rao', 'Garcia', 'Fischer', 'Mensah', 'Tanaka', 'Nair', 'Smith', 'Rossi', 'Haddad', 'Martin'];

/** A customer with one payment and one deal in every provider, drawn from the RNG. */
export function createSubject(rng: Rng): Subject {
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  const phone = `1555${ids.digits(rng, 7)}`;
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}.${ids.digits(rng, 4)}@example.com`.toLowerCase(),
    phone,
    currency: 'usd',
    amount: randomInt(rng, 10, 500) * 100 - 1,
    stripe: {
      customer: `cus_${ids.alnum(rng, 14)}`,
      paymentIntent: ids.stripe(rng, 'pi'),
      charge: ids.stripe(rng, 'ch'),
      paymentMethod: `pm_1${ids.alnum(rng, 23)}`,
    },
    razorpay: { order: ids.razorpay(rng, 'order'), payment: ids.razorpay(rng, 'pay') },
    paypal: { order: ids.paypalResource(rng), capture: ids.paypalResource(rng) },
    hubspot: { portalId: Number(ids.digits(rng, 8)), contactId: Number(ids.digits(rng, 11)), dealId: Number(ids.digits(rng, 11)) },
    pipedrive: {
      companyId: Number(ids.digits(rng, 8)),
      userId: Number(ids.digits(rng, 8)),
      personId: Number(ids.digits(rng, 5)),
      dealId: Number(ids.digits(rng, 5)),
    },
    salesforce: { leadId: ids.salesforce(rng, '00Q'), opportunityId: ids.salesforce(rng, '006') },
    whatsapp: {
      phoneNumberId: ids.digits(rng, 15),
      displayPhoneNumber: '15550783881',
      wabaId: ids.digits(rng, 15),
      outboundMessageId: ids.wamid(rng, phone),
    },
    twilio: { from: '+14155238886', messageSid: ids.twilio(rng, 'SM') },
  };
}
