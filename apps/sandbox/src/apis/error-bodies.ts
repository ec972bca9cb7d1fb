import { ids } from '../support/ids';
import type { Rng } from '../support/rng';
import type { ApiProvider } from './types';

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Meta Graph error object; code 1/2 are the generic transient ones. */
export function metaError(rng: Rng, status: number, code: number, message: string, details?: string): ErrorResponse {
  return {
    status,
    body: {
      error: {
        message,
        type: code === 190 ? 'OAuthException' : 'OAuthException',
        code,
        ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
        fbtrace_id: ids.fbtrace(rng),
      },
    },
  };
}

export function hubspotError(rng: Rng, status: number, category: string, message: string): ErrorResponse {
  return { status, body: { status: 'error', message, correlationId: ids.uuid(rng), category } };
}

/** The error a provider answers with for a generic status (faults, auth, bad input). */
export function providerError(provider: ApiProvider, status: number, rng: Rng, message?: string): ErrorResponse {
  const reason = REASON[status] ?? 'Error';
  const server = status >= 500;
  switch (provider) {
    case 'stripe':
      return {
        status,
        headers: { 'request-id': `req_${ids.alnum(rng, 14)}`, ...(server || status === 429 ? { 'stripe-should-retry': 'true' } : {}) },
        body: {
          error: server
            ? { type: 'api_error', message: message ?? 'An unknown error occurred' }
            : status === 429
              ? { type: 'invalid_request_error', code: 'rate_limit', message: message ?? 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.' }
              : { type: 'invalid_request_error', message: message ?? reason },
        },
      };
    case 'razorpay':
      return {
        status,
        body: {
          error: {
            code: server ? 'SERVER_ERROR' : 'BAD_REQUEST_ERROR',
            description: message ?? (server ? 'The server encountered an error. The incident has been reported to admins.' : status === 429 ? 'Too many requests' : reason),
            source: 'NA',
            step: 'NA',
            reason: 'NA',
            metadata: {},
          },
        },
      };
    case 'paypal': {
      const name = status === 429 ? 'RATE_LIMIT_REACHED' : status === 503 ? 'SERVICE_UNAVAILABLE' : server ? 'INTERNAL_SERVER_ERROR' : status === 404 ? 'RESOURCE_NOT_FOUND' : 'INVALID_REQUEST';
      return {
        status,
        headers: { 'paypal-debug-id': ids.paypalDebug(rng) },
        body: {
          name,
          message: message ?? (status === 429 ? 'Too many requests. Blocked due to rate limiting.' : server ? 'An internal server error occurred.' : reason),
          debug_id: ids.paypalDebug(rng),
          links: [{ href: `https://developer.paypal.com/api/rest/reference/orders/v2/errors/#${name}`, rel: 'information_link' }],
        },
      };
    }
    case 'hubspot':
      return status === 429
        ? hubspotTenSecondly(rng)
        : hubspotError(rng, status, server ? 'INTERNAL_ERROR' : status === 404 ? 'OBJECT_NOT_FOUND' : status === 401 ? 'INVALID_AUTHENTICATION' : 'VALIDATION_ERROR', message ?? (server ? 'internal error' : reason));
    case 'salesforce':
      return {
        status,
        body: [
          {
            message: message ?? (status === 429 ? 'TotalRequests Limit exceeded.' : server ? 'Server temporarily unavailable' : reason),
            errorCode: status === 429 ? 'REQUEST_LIMIT_EXCEEDED' : server ? 'SERVER_UNAVAILABLE' : status === 404 ? 'NOT_FOUND' : 'INVALID_INPUT',
          },
        ],
      };
    case 'pipedrive':
      return {
        status,
        headers: status === 429 ? { 'x-ratelimit-limit': '80', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' } : {},
        body: { success: false, error: message ?? (status === 429 ? 'Request over limit' : reason), error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.', data: null, additional_data: null },
      };
    case 'whatsapp':
      if (status === 429) return metaError(rng, 429, 4, '(#4) Application request limit reached');
      if (status === 503) return metaError(rng, 503, 2, 'Service temporarily unavailable');
      if (server) return metaError(rng, status, 1, 'An unknown error occurred');
      return metaError(rng, status, 100, message ?? '(#100) Invalid parameter');
    case 'twilio': {
      const code = status === 429 ? 20429 : status === 404 ? 20404 : server ? 20000 + status : 21000 + status;
      return { status, body: { code, message: message ?? reason, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
    }
    case 'slack':
      // Incoming webhooks answer a bare text error code.
      return { status, body: status === 429 ? 'rate_limited' : status === 404 ? 'no_service' : status === 403 ? 'action_prohibited' : server ? 'internal_error' : 'invalid_payload' };
  }
}

export function hubspotTenSecondly(rng: Rng): ErrorResponse {
  return {
    status: 429,
    body: {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: ids.uuid(rng),
      policyName: 'TEN_SECONDLY_ROLLING',
      groupName: 'publicapi',
    },
  };
}

export function hubspotDaily(rng: Rng): ErrorResponse {
  return {
    status: 429,
    body: {
      status: 'error',
      message: 'You have reached your daily limit.',
      errorType: 'RATE_LIMIT',
      correlationId: ids.uuid(rng),
      policyName: 'DAILY',
      groupName: 'publicapi',
    },
  };
}
