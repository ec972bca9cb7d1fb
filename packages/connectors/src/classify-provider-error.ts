import { AppError, PermanentError, RateLimitedError, RetryableError } from '@switchyard/errors';
import { isAxiosError } from 'axios';
import { readErrorBody } from './provider-error-body';
import type { ProviderFailure } from './provider-failure';
import type { Provider } from './providers';
import { headerValue, hubspotIntervalMs, msUntilNextUtcMidnight, providerWaitMs, type Headers } from './retry-after';

export interface ClassifyOptions {
  /** Credentials of the connection; never allowed into a message even if a provider echoes them. */
  secrets?: readonly string[];
  now?: number;
}

/** Meta codes that mean "slow down", with the wait we assume when no header says otherwise. */
const META_RATE_LIMITS: Record<string, number> = {
  130429: 1_000, // throughput cap (messages per second per number)
  131056: 6_000, // pair rate limit: about one message per 6 s to the same recipient
  80007: 60_000, // WhatsApp Business Account rate limit
  4: 60_000, // application request limit
};
/** Meta's generic transient errors. */
const META_TRANSIENT = new Set(['1', '2']);

const DEFAULT_429_WAIT_MS = 1_000;
const HUBSPOT_TEN_SECONDLY_MS = 10_000;
const SALESFORCE_REQUEST_LIMIT_WAIT_MS = 3_600_000;

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
/** Axios refusing our own configuration: retrying cannot help. */
const CONFIG_CODES = new Set(['ERR_BAD_OPTION', 'ERR_BAD_OPTION_VALUE', 'ERR_INVALID_URL', 'ERR_NOT_SUPPORT']);
const REQUEST_ID_HEADERS = ['request-id', 'x-request-id', 'paypal-debug-id', 'x-fb-trace-id', 'x-hubspot-correlation-id', 'twilio-request-id'];

function redactor(secrets: readonly string[] = []): (text: string) => string {
  const known = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(/(bearer|basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]');
    for (const secret of known) out = out.split(secret).join('[redacted]');
    return out.length > 500 ? `${out.slice(0, 500)}…` : out;
  };
}

const codePart = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 60);

/**
 * The single place an outbound failure becomes an AppError. Every client runs its errors through
 * this (see createProviderHttp), so the same provider answer is classified the same way everywhere.
 *
 * Order matters: rate limits first (they may come as 400 or 403), then server/lock errors, then
 * everything else in 4xx is permanent.
 */
export function classifyProviderError(provider: Provider, err: unknown, options: ClassifyOptions = {}): AppError {
  if (err instanceof AppError) return err;
  const clean = redactor(options.secrets);
  const now = options.now ?? Date.now();

  if (!isAxiosError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new RetryableError(clean(`${provider} call failed: ${message}`), 'UNEXPECTED', { provider, providerMessage: clean(message) } satisfies ProviderFailure);
  }

  const response = err.response;
  if (!response) {
    const networkCode = err.code ?? 'UNKNOWN';
    const failure: ProviderFailure = { provider, networkCode };
    if (TIMEOUT_CODES.has(networkCode)) {
      return new RetryableError(clean(`${provider} request timed out (${networkCode}: ${err.message})`), 'NETWORK_TIMEOUT', failure);
    }
    if (CONFIG_CODES.has(networkCode)) return new PermanentError(clean(`${provider} request not sent: ${err.message}`), `CONFIG_${codePart(networkCode)}`, failure);
    return new RetryableError(clean(`${provider} request failed: ${networkCode} (${err.message})`), `NETWORK_${codePart(networkCode)}`, failure);
  }

  const status = response.status;
  const headers = (response.headers ?? {}) as Headers;
  const body = readErrorBody(provider, response.data);
  const providerCode = body.code;
  const requestId = REQUEST_ID_HEADERS.map((h) => headerValue(headers, h)).find(Boolean);
  const failure: ProviderFailure = {
    provider,
    status,
    ...(providerCode ? { providerCode: clean(providerCode) } : {}),
    ...(body.message ? { providerMessage: clean(body.message) } : {}),
    ...(requestId ? { requestId } : {}),
  };
  const describe = (suffix = '') =>
    clean(`${provider} ${status}${providerCode ? ` ${providerCode}` : ''}: ${body.message ?? response.statusText ?? 'no message'}${suffix}`);
  const rateLimited = (code: string, waitMs: number) =>
    new RateLimitedError(describe(` (retry in ${waitMs} ms)`), code, waitMs, failure);
  const said = providerWaitMs(headers, now);

  // Rate limits, whatever the status they come with.
  if (provider === 'whatsapp' && providerCode !== undefined && providerCode in META_RATE_LIMITS) {
    return rateLimited(`WHATSAPP_${providerCode}`, said ?? (META_RATE_LIMITS[providerCode] as number));
  }
  if (provider === 'hubspot' && status === 429 && body.policyName === 'DAILY') {
    return rateLimited('HUBSPOT_429_DAILY', said ?? msUntilNextUtcMidnight(now));
  }
  if (provider === 'hubspot' && status === 429 && body.policyName) {
    return rateLimited(`HUBSPOT_429_${codePart(body.policyName)}`, said ?? hubspotIntervalMs(headers) ?? HUBSPOT_TEN_SECONDLY_MS);
  }
  if (provider === 'salesforce' && providerCode === 'REQUEST_LIMIT_EXCEEDED') {
    return rateLimited(`SALESFORCE_${status}_REQUEST_LIMIT_EXCEEDED`, said ?? SALESFORCE_REQUEST_LIMIT_WAIT_MS);
  }
  if (status === 429) {
    return rateLimited(providerCode ? `${codePart(provider)}_429_${codePart(providerCode)}` : 'HTTP_429', said ?? DEFAULT_429_WAIT_MS);
  }

  const specific = provider === 'whatsapp' && providerCode ? `WHATSAPP_${codePart(providerCode)}` : providerCode ? `${codePart(provider)}_${status}_${codePart(providerCode)}` : `HTTP_${status}`;

  if (status >= 500) {
    if (provider === 'stripe' && headerValue(headers, 'stripe-should-retry') === 'false') return new PermanentError(describe(), `HTTP_${status}`, failure);
    return new RetryableError(describe(), `HTTP_${status}`, failure);
  }
  if (provider === 'whatsapp' && providerCode && META_TRANSIENT.has(providerCode)) return new RetryableError(describe(), specific, failure);
  if (provider === 'salesforce' && providerCode === 'UNABLE_TO_LOCK_ROW') return new RetryableError(describe(), specific, failure);
  if (provider === 'stripe' && (providerCode === 'lock_timeout' || providerCode === 'idempotency_key_in_use')) return new RetryableError(describe(), specific, failure);
  if (status === 408) return new RetryableError(describe(), specific, failure);
  // 409 means "locked / in progress" (Stripe, Razorpay idempotency); HubSpot's 409 is "already exists", which retrying cannot fix.
  if (status === 409 && provider !== 'hubspot') return new RetryableError(describe(), specific, failure);
  if (provider === 'stripe' && headerValue(headers, 'stripe-should-retry') === 'true') return new RetryableError(describe(), specific, failure);
  if (status === 401 && provider !== 'whatsapp') {
    // An authentication failure, whatever the provider calls it (HubSpot may answer any category): retrying cannot help, renewing can.
    return new PermanentError(describe(` (authentication failed: the ${provider} connection's credentials need renewing)`), `${codePart(provider)}_401_UNAUTHORIZED`, failure);
  }
  if (provider === 'salesforce' && status === 300) {
    const matches = Array.isArray(response.data) ? response.data.length : 'several';
    return new PermanentError(clean(`salesforce 300: the external id matches ${matches} records`), 'SALESFORCE_300_MULTIPLE_MATCHES', failure);
  }
  return new PermanentError(describe(), specific, failure);
}
