import {
  createHubspotClient,
  createNotifier,
  createPaypalClient,
  createPipedriveClient,
  createRazorpayClient,
  createSalesforceClient,
  createStripeClient,
  createTwilioClient,
  createWhatsappClient,
  type HubspotClient,
  type Notifier,
  type PaypalClient,
  type PipedriveClient,
  type RateLimiter,
  type RazorpayClient,
  type SalesforceClient,
  type StripeClient,
  type TwilioClient,
  type WhatsappClient,
} from '@switchyard/connectors';
import { PermanentError } from '@switchyard/errors';
import type { Settings } from '@switchyard/settings';

type Outbound = Settings['outbound'];

/**
 * Our window is 5 % longer than the provider's: requests granted at the very edge of our window
 * reach the provider a few milliseconds apart in another order, and its own window must still
 * never see more than the limit.
 */
const padded = (windowMs: number) => Math.round(windowMs * 1.05);

/**
 * The provider clients the workers call, built from the settings' `outbound` section and cached
 * per connection. Every client shares one Redis rate limiter, so a connection's limit holds
 * across all replicas (HubSpot 100 per 10 s, WhatsApp 80 messages/s per number).
 */
export class OutboundClients {
  /** One client per connection config object: a reload makes new objects, so clients follow it. */
  private readonly cache = new WeakMap<object, unknown>();
  private notifierClient: Notifier | undefined;

  constructor(
    private readonly settings: () => Settings,
    private readonly limiter?: RateLimiter,
  ) {}

  private config<P extends keyof Outbound>(provider: P, connection: string): NonNullable<Outbound[P]>[string] {
    const conf = this.settings().outbound[provider]?.[connection];
    if (!conf) throw new PermanentError(`no outbound connection "${connection}" for ${provider}: add outbound.${provider}.${connection} to the configuration file`, 'OUTBOUND_CONNECTION_MISSING');
    return conf as NonNullable<Outbound[P]>[string];
  }

  private cached<T>(conf: object, make: () => T): T {
    let client = this.cache.get(conf) as T | undefined;
    if (!client) {
      client = make();
      this.cache.set(conf, client);
    }
    return client;
  }

  whatsapp(connection: string): WhatsappClient {
    const c = this.config('whatsapp', connection);
    return this.cached(c, () => createWhatsappClient(c, { limiter: this.limiter, limitKey: `whatsapp:${c.phoneNumberId}`, limit: c.messagesPerSecond, windowMs: padded(1000) }));
  }

  twilio(connection: string): TwilioClient {
    const c = this.config('twilio', connection);
    return this.cached(c, () => createTwilioClient(c, { limiter: this.limiter, limitKey: `twilio:${connection}`, limit: 100, windowMs: padded(1000) }));
  }

  hubspot(connection: string): HubspotClient {
    const c = this.config('hubspot', connection);
    return this.cached(c, () => createHubspotClient(c, { limiter: this.limiter, limitKey: `hubspot:${connection}`, limit: c.requestsPer10s, windowMs: padded(10_000) }));
  }

  pipedrive(connection: string): PipedriveClient {
    const c = this.config('pipedrive', connection);
    return this.cached(c, () => createPipedriveClient(c, { limiter: this.limiter, limitKey: `pipedrive:${connection}` }));
  }

  salesforce(connection: string): SalesforceClient {
    const c = this.config('salesforce', connection);
    return this.cached(c, () => createSalesforceClient(c, { limiter: this.limiter, limitKey: `salesforce:${connection}`, limit: 25, windowMs: padded(1000) }));
  }

  stripe(connection: string): StripeClient {
    const c = this.config('stripe', connection);
    return this.cached(c, () => createStripeClient(c, { limiter: this.limiter, limitKey: `stripe:${connection}` }));
  }

  razorpay(connection: string): RazorpayClient {
    const c = this.config('razorpay', connection);
    return this.cached(c, () => createRazorpayClient(c, { limiter: this.limiter, limitKey: `razorpay:${connection}`, limit: 25, windowMs: padded(1000) }));
  }

  paypal(connection: string): PaypalClient {
    const c = this.config('paypal', connection);
    return this.cached(c, () => createPaypalClient(c, { limiter: this.limiter, limitKey: `paypal:${connection}`, limit: 25, windowMs: padded(1000) }));
  }

  notifier(): Notifier {
    return (this.notifierClient ??= createNotifier());
  }
}
