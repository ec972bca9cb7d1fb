import { outboundLimit, type ClientOptions } from '../client-options';
import { createProviderHttp } from '../provider-http';
import { unexpectedResponse } from '../unexpected-response';

export interface RazorpayConfig {
  baseUrl: string;
  keyId: string;
  keySecret: string;
}

export interface RazorpayRefundRequest {
  paymentId: string;
  /** Paise (minor units); omitted = the whole unrefunded amount. */
  amount?: number;
  /** ≥ 10 chars; sent as `X-Refund-Idempotency`. */
  idempotencyKey: string;
  notes?: Record<string, string>;
}

export interface RazorpayClient {
  refund(request: RazorpayRefundRequest): Promise<{ refundId: string; status: string }>;
}

/** Razorpay `POST /v1/payments/{id}/refund` (Basic key_id:key_secret) with `X-Refund-Idempotency`. */
export function createRazorpayClient(config: RazorpayConfig, options: ClientOptions = {}): RazorpayClient {
  const http = createProviderHttp({
    provider: 'razorpay',
    baseURL: config.baseUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    auth: { type: 'basic', username: config.keyId, password: config.keySecret },
    rateLimit: outboundLimit(options, { key: `razorpay:${config.keyId}` }),
  });

  return {
    async refund({ paymentId, amount, idempotencyKey, notes }) {
      const { data } = await http.post<{ id?: string; status?: string }>(
        `/v1/payments/${encodeURIComponent(paymentId)}/refund`,
        { ...(amount !== undefined ? { amount } : {}), ...(notes ? { notes } : {}) },
        { headers: { 'x-refund-idempotency': idempotencyKey } },
      );
      if (!data?.id) throw unexpectedResponse('razorpay', 'refund id');
      return { refundId: data.id, status: data.status ?? 'pending' };
    },
  };
}
