import type { SandboxEnv } from '../env';
import { defaultEnv } from '../env';
import { mulberry32, type Rng } from '../support/rng';
import { CERT_PATH, loadPaypalKeyMaterial } from './paypal-key';
import { isBatched, WEBHOOKS } from './registry';
import { createSubject } from './subject';
import {
  joinUrl,
  WEBHOOK_PROVIDERS,
  type BuildContext,
  type PaypalSigningKey,
  type SigningSecrets,
  type Subject,
  type WebhookProvider,
  type WebhookRequest,
} from './types';

export interface BuildOptions {
  /** Defaults to the sandbox defaults (`defaultEnv`); override any secret. */
  secrets?: Partial<SigningSecrets>;
  /** Receiver base URL (Twilio and HubSpot sign over the full URL). Default SANDBOX_RECEIVER_URL's default. */
  to?: string;
  publicBaseUrl?: string;
  connection?: string;
  /** Standard Webhooks source; default `acme`. */
  source?: string;
  /** Seed for ids and amounts; ignored when `rng` is given. Default: random. */
  seed?: number;
  rng?: Rng;
  /** Occurrence time of the (last) event; default now. */
  now?: number | Date;
  /** Signing time; default now. */
  signedAt?: number | Date;
  /** Shared customer/payment/deal; default drawn from the RNG. */
  subject?: Subject;
  /** Events per request for HubSpot, Salesforce and the WhatsApp `batch`; events in `buildWebhooks` for others. */
  count?: number;
  /** PayPal signing key; default the sandbox key in SANDBOX_PAYPAL_KEY_DIR with its cert served by `sandboxUrl`. */
  paypalKey?: PaypalSigningKey;
  paypalKeyDir?: string;
  /** Where the running sandbox serves the PayPal certificate. Default http://127.0.0.1:4010. */
  sandboxUrl?: string;
  /** Seconds between events of a sequence or count. Default 60. */
  spacingSeconds?: number;
  /** The customer's text for an inbound message (WhatsApp `message`); default a question about an order. */
  text?: string;
}

export function secretsFromEnv(env: SandboxEnv): SigningSecrets {
  return {
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET,
    razorpayWebhookSecret: env.RAZORPAY_WEBHOOK_SECRET,
    paypalWebhookId: env.PAYPAL_WEBHOOK_ID,
    hubspotClientSecret: env.HUBSPOT_CLIENT_SECRET,
    salesforceOrgId: env.SALESFORCE_ORG_ID,
    pipedriveUser: env.PIPEDRIVE_WEBHOOK_USER,
    pipedrivePassword: env.PIPEDRIVE_WEBHOOK_PASSWORD,
    whatsappAppSecret: env.WHATSAPP_APP_SECRET,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN,
    twilioAccountSid: env.SANDBOX_TWILIO_ACCOUNT_SID,
    standardWebhookSecret: env.STANDARD_WEBHOOK_SECRET,
  };
}

export const DEFAULT_SECRETS: SigningSecrets = secretsFromEnv(defaultEnv);

export function isWebhookProvider(value: string): value is WebhookProvider {
  return (WEBHOOK_PROVIDERS as readonly string[]).includes(value);
}

function toMs(value: number | Date | undefined): number {
  if (value === undefined) return Date.now();
  return typeof value === 'number' ? value : value.getTime();
}

function baseContext(opts: BuildOptions): Omit<BuildContext, 'now' | 'subject'> & { rng: Rng } {
  const rng = opts.rng ?? mulberry32(opts.seed ?? Math.floor(Math.random() * 2 ** 32));
  const sandboxUrl = opts.sandboxUrl ?? defaultEnv.SANDBOX_URL;
  let paypalKey = opts.paypalKey;
  return {
    rng,
    signedAt: toMs(opts.signedAt),
    secrets: { ...DEFAULT_SECRETS, ...opts.secrets },
    to: opts.to ?? defaultEnv.SANDBOX_RECEIVER_URL,
    ...(opts.publicBaseUrl ? { publicBaseUrl: opts.publicBaseUrl } : {}),
    ...(opts.connection ? { connection: opts.connection } : {}),
    source: opts.source ?? 'acme',
    batchSize: opts.count ?? 1,
    ...(opts.text !== undefined ? { text: opts.text } : {}),
    paypalKey: () => {
      paypalKey ??= {
        privateKeyPem: loadPaypalKeyMaterial(opts.paypalKeyDir || undefined).privateKeyPem,
        certUrl: joinUrl(sandboxUrl, CERT_PATH),
      };
      return paypalKey;
    },
  };
}

/** Builds and signs one webhook request exactly as the provider would send it. */
export function buildWebhook(provider: WebhookProvider, event: string, opts: BuildOptions = {}): WebhookRequest {
  const base = baseContext(opts);
  return WEBHOOKS[provider].build(event, { ...base, now: toMs(opts.now ?? opts.signedAt), subject: opts.subject ?? createSubject(base.rng) });
}

/**
 * `count` deliveries of one event type (separate customers, occurrence times `spacingSeconds` apart,
 * oldest first); for batching providers one request carrying `count` events.
 */
export function buildWebhooks(provider: WebhookProvider, event: string, opts: BuildOptions = {}): WebhookRequest[] {
  const count = Math.max(1, opts.count ?? 1);
  if (isBatched(provider, event)) return [buildWebhook(provider, event, opts)];
  const base = baseContext({ ...opts, count: 1 });
  const last = toMs(opts.now ?? opts.signedAt);
  const spacing = (opts.spacingSeconds ?? 60) * 1000;
  return Array.from({ length: count }, (_, i) =>
    WEBHOOKS[provider].build(event, {
      ...base,
      now: last - (count - 1 - i) * spacing,
      subject: i === 0 && opts.subject ? opts.subject : createSubject(base.rng),
    }),
  );
}

/**
 * The provider's related lifecycle (e.g. payment failed → succeeded → refunded) about one subject,
 * or about `count` subjects (one lifecycle each, concatenated; the first is `subject` if given).
 */
export function buildSequence(provider: WebhookProvider, opts: BuildOptions = {}): WebhookRequest[] {
  const base = baseContext({ ...opts, count: 1 });
  const events = WEBHOOKS[provider].sequence;
  const last = toMs(opts.now ?? opts.signedAt);
  const spacing = (opts.spacingSeconds ?? 60) * 1000;
  const count = Math.max(1, opts.count ?? 1);
  return Array.from({ length: count }, (_, n) => {
    const subject = n === 0 && opts.subject ? opts.subject : createSubject(base.rng);
    return events.map((event, i) => WEBHOOKS[provider].build(event, { ...base, now: last - (events.length - 1 - i) * spacing, subject }));
  }).flat();
}
