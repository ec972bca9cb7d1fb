import { AppError } from '@switchyard/errors';
import type { Provider } from './providers';

/**
 * The facts about one failed outbound call, kept as the AppError's `cause`: safe to log (no
 * headers, no URL, no credentials) and enough for a caller to act on a specific answer.
 */
export interface ProviderFailure {
  provider: Provider;
  /** HTTP status; absent when no response came back (network error, timeout). */
  status?: number;
  /** The provider's own error code (Meta numeric code, HubSpot policy or category, Stripe code...). */
  providerCode?: string;
  providerMessage?: string;
  /** Node/axios error code for failures without a response (ECONNRESET, ECONNABORTED...). */
  networkCode?: string;
  requestId?: string;
}

export function providerFailure(err: unknown): ProviderFailure | undefined {
  if (!(err instanceof AppError)) return undefined;
  const cause = err.cause as Partial<ProviderFailure> | undefined;
  return cause && typeof cause === 'object' && typeof cause.provider === 'string' ? (cause as ProviderFailure) : undefined;
}
