import { hubspotWebhooks } from './hubspot';
import { paypalWebhooks } from './paypal';
import { pipedriveWebhooks } from './pipedrive';
import { razorpayWebhooks } from './razorpay';
import { salesforceWebhooks } from './salesforce';
import { standardWebhooks } from './standard';
import { stripeWebhooks } from './stripe';
import { twilioWebhooks } from './twilio';
import type { ProviderWebhooks, WebhookProvider } from './types';
import { whatsappWebhooks } from './whatsapp';

export const WEBHOOKS: Record<WebhookProvider, ProviderWebhooks> = {
  stripe: stripeWebhooks,
  razorpay: razorpayWebhooks,
  paypal: paypalWebhooks,
  hubspot: hubspotWebhooks,
  salesforce: salesforceWebhooks,
  pipedrive: pipedriveWebhooks,
  whatsapp: whatsappWebhooks,
  twilio: twilioWebhooks,
  standard: standardWebhooks,
};

/** Providers whose one request carries `count` events. */
export function isBatched(provider: WebhookProvider, event: string): boolean {
  return provider === 'hubspot' || provider === 'salesforce' || (provider === 'whatsapp' && event === 'batch');
}
