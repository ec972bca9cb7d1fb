import type { Rng } from '../support/rng';

export const WEBHOOK_PROVIDERS = [
  'stripe',
  'razorpay',
  'paypal',
  'hubspot',
  'salesforce',
  'pipedrive',
  'whatsapp',
  'twilio',
  'standard',
] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** One signed HTTP request, ready to POST to `${to}${path}`. */
export interface WebhookRequest {
  provider: WebhookProvider;
  /** Event type as the provider names it (for batches: the first one). */
  event: string;
  /** The id a receiver dedupes on (evt_, x-razorpay-event-id, WH-, eventId, Notification Id, wamid...). */
  eventId: string;
  /** Every dedupe id carried by the request (batched providers carry several). */
  eventIds: string[];
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Provider occurrence time of the (last) event in ms, for ordering checks. */
  occurredAt: number;
}

/** Secrets and identities a signer needs; names follow the receiver's env variables. */
export interface SigningSecrets {
  stripeWebhookSecret: string;
  razorpayWebhookSecret: string;
  paypalWebhookId: string;
  hubspotClientSecret: string;
  salesforceOrgId: string;
  pipedriveUser: string;
  pipedrivePassword: string;
  whatsappAppSecret: string;
  twilioAuthToken: string;
  twilioAccountSid: string;
  standardWebhookSecret: string;
}

/** RSA key and the public URL of its certificate (served by the sandbox). */
export interface PaypalSigningKey {
  privateKeyPem: string;
  certUrl: string;
}

/**
 * The customer, payment and CRM records a related sequence of events shares, so that
 * "payment failed → payment succeeded → refund" are about the same payment.
 */
export interface Subject {
  name: string;
  email: string;
  /** E.164 digits without '+', as WhatsApp's wa_id. */
  phone: string;
  currency: string;
  amount: number;
  stripe: { customer: string; paymentIntent: string; charge: string; paymentMethod: string };
  razorpay: { order: string; payment: string };
  paypal: { order: string; capture: string };
  hubspot: { portalId: number; contactId: number; dealId: number };
  pipedrive: { companyId: number; userId: number; personId: number; dealId: number };
  salesforce: { leadId: string; opportunityId: string };
  whatsapp: { phoneNumberId: string; displayPhoneNumber: string; wabaId: string; outboundMessageId: string };
  twilio: { from: string; messageSid: string };
}

export interface BuildContext {
  rng: Rng;
  /** Occurrence time of this event in ms. */
  now: number;
  /** Time of signing in ms (delivery time; later than or equal to `now`). */
  signedAt: number;
  subject: Subject;
  secrets: SigningSecrets;
  /** Receiver base URL: Twilio and HubSpot sign over the full URL. */
  to: string;
  /** When set, Twilio signs over this base instead of `to` (receiver behind a proxy). */
  publicBaseUrl?: string;
  /** Optional `/:connection` suffix on the receiver path. */
  connection?: string;
  /** Standard Webhooks source name (`/webhooks/standard/:source`). */
  source: string;
  /** Events per request for batching providers (HubSpot array, Salesforce notifications, WhatsApp changes). */
  batchSize: number;
  /** Lazily loaded: only PayPal needs it and it may touch disk. */
  paypalKey: () => PaypalSigningKey;
  /** The body of an inbound text message (WhatsApp `message`), e.g. `STOP`. */
  text?: string;
}

/** A provider's webhook emitter: which events it knows, how it builds one, and its related sequence. */
export interface ProviderWebhooks {
  provider: WebhookProvider;
  events: readonly string[];
  build(event: string, ctx: BuildContext): WebhookRequest;
  /** A related lifecycle sharing one subject, in occurrence order. */
  sequence: readonly string[];
  /** Seconds between attempts after a failed delivery (attempt 2, 3, ...). */
  retrySchedule: readonly number[];
}

export class UnknownEventError extends Error {
  constructor(provider: string, event: string, known: readonly string[]) {
    super(`unknown ${provider} event "${event}"; known: ${known.join(', ')}`);
    this.name = 'UnknownEventError';
  }
}

export function receiverPath(provider: WebhookProvider, ctx: Pick<BuildContext, 'connection' | 'source'>): string {
  const base = provider === 'standard' ? `/webhooks/standard/${encodeURIComponent(ctx.source)}` : `/webhooks/${provider}`;
  return ctx.connection ? `${base}/${encodeURIComponent(ctx.connection)}` : base;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
