import { outboundLimit, type ClientOptions } from '../client-options';
import { createProviderHttp } from '../provider-http';
import { unexpectedResponse } from '../unexpected-response';

export interface StripeConfig {
  baseUrl: string;
  /** Secret key (`sk_...`) or restricted key. */
  apiKey: string;
}

export type StripeRefundRequest = ({ paymentIntent: string; charge?: never } | { charge: string; paymentIntent?: never }) & {
  /** Minor units; omitted = the whole unrefunded amount. */
  amount?: number;
  reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer';
  /** ≤ 255 chars; Stripe keeps it ≥ 24 h and replays the first result for it. */
  idempotencyKey: string;
};

export interface RefundResult {
  refundId: string;
  status: string;
  /** The provider answered from its idempotency store (the refund was made by an earlier call). */
  replayed: boolean;
}

export interface StripeClient {
  refund(request: StripeRefundRequest): Promise<RefundResult>;
}

/** Stripe's live-mode default: 100 write requests per second. */
export const STRIPE_DEFAULT_LIMIT = { limit: 100, windowMs: 1_000 };

/** Stripe `POST /v1/refunds` (form-encoded, Bearer) with `Idempotency-Key`. */
export function createStripeClient(config: StripeConfig, options: ClientOptions = {}): StripeClient {
  const http = createProviderHttp({
    provider: 'stripe',
    baseURL: config.baseUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    auth: { type: 'bearer', token: config.apiKey },
    rateLimit: outboundLimit(options, { key: 'stripe:default', ...STRIPE_DEFAULT_LIMIT }),
  });

  return {
    async refund(request) {
      const form = new URLSearchParams();
      if (request.paymentIntent) form.set('payment_intent', request.paymentIntent);
      if (request.charge) form.set('charge', request.charge);
      if (request.amount !== undefined) form.set('amount', String(request.amount));
      if (request.reason) form.set('reason', request.reason);
      const response = await http.post<{ id?: string; status?: string }>('/v1/refunds', form.toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': request.idempotencyKey },
      });
      if (!response.data?.id) throw unexpectedResponse('stripe', 'refund id');
      return { refundId: response.data.id, status: response.data.status ?? 'pending', replayed: response.headers['idempotent-replayed'] === 'true' };
    },
  };
}
