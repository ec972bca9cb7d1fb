import { hubspotAdapter } from './hubspot/hubspot-adapter';
import { paypalAdapter } from './paypal/paypal-adapter';
import { pipedriveAdapter } from './pipedrive/pipedrive-adapter';
import type { AnyProviderAdapter } from './provider-adapter';
import { razorpayAdapter } from './razorpay/razorpay-adapter';
import { salesforceAdapter } from './salesforce/salesforce-adapter';
import { standardAdapter } from './standard/standard-adapter';
import { stripeAdapter } from './stripe/stripe-adapter';
import { twilioAdapter } from './twilio/twilio-adapter';
import { whatsappAdapter } from './whatsapp/whatsapp-adapter';

/** Every provider the receiver accepts, by the name in `/webhooks/:provider`. */
export const adapters: Record<string, AnyProviderAdapter> = {
  stripe: stripeAdapter,
  standard: standardAdapter,
  hubspot: hubspotAdapter,
  salesforce: salesforceAdapter,
  pipedrive: pipedriveAdapter,
  razorpay: razorpayAdapter,
  paypal: paypalAdapter,
  whatsapp: whatsappAdapter,
  twilio: twilioAdapter,
};
