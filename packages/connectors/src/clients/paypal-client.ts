import { PermanentError } from '@switchyard/errors';
import { outboundLimit, type ClientOptions } from '../client-options';
import { createProviderHttp } from '../provider-http';
import { createTokenCache } from '../token-cache';
import { unexpectedResponse } from '../unexpected-response';

export interface PaypalConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface PaypalRefundRequest {
  captureId: string;
  /** PayPal's decimal string in major units (`"10.00"`); omitted = the whole unrefunded amount. */
  amount?: string;
  /** ISO currency code; required with `amount`. */
  currency?: string;
  /** Sent as `PayPal-Request-Id`: PayPal replays the first answer for it. */
  requestId: string;
}

export interface PaypalClient {
  /** 422 CAPTURE_FULLY_REFUNDED arrives as permanent `PAYPAL_422_CAPTURE_FULLY_REFUNDED`: the capture is refunded already (a person checks it at PayPal); do not retry. */
  refund(request: PaypalRefundRequest): Promise<{ refundId: string; status: string }>;
}

/** PayPal OAuth (cached until expiry) + `POST /v2/payments/captures/{id}/refund` with `PayPal-Request-Id`. */
export function createPaypalClient(config: PaypalConfig, options: ClientOptions = {}): PaypalClient {
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  const login = createProviderHttp({
    provider: 'paypal',
    baseURL: config.baseUrl,
    ...timeout,
    auth: { type: 'basic', username: config.clientId, password: config.clientSecret },
  });
  const tokens = createTokenCache(async () => {
    const { data } = await login.post<{ access_token?: string; expires_in?: number }>('/v1/oauth2/token', 'grant_type=client_credentials', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (!data?.access_token) throw unexpectedResponse('paypal', 'access_token');
    return { token: data.access_token, ...(typeof data.expires_in === 'number' ? { expiresInMs: data.expires_in * 1000 } : {}) };
  });
  const http = createProviderHttp({
    provider: 'paypal',
    baseURL: config.baseUrl,
    ...timeout,
    auth: { type: 'oauth', tokens },
    secrets: [config.clientSecret],
    rateLimit: outboundLimit(options, { key: 'paypal:default' }),
  });

  return {
    async refund({ captureId, amount, currency, requestId }) {
      if (amount !== undefined && !currency) throw new PermanentError('paypal refund: currency is required with amount', 'PAYPAL_CURRENCY_REQUIRED');
      const { data } = await http.post<{ id?: string; status?: string }>(
        `/v2/payments/captures/${encodeURIComponent(captureId)}/refund`,
        amount !== undefined ? { amount: { value: amount, currency_code: currency } } : {},
        { headers: { 'paypal-request-id': requestId, prefer: 'return=minimal' } },
      );
      if (!data?.id) throw unexpectedResponse('paypal', 'refund id');
      return { refundId: data.id, status: data.status ?? 'PENDING' };
    },
  };
}
