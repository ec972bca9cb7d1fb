import type { AnyProviderAdapter } from './provider-adapter';
import { standardAdapter } from './standard/standard-adapter';
import { stripeAdapter } from './stripe/stripe-adapter';

/** Every provider the receiver accepts, by the name in `/webhooks/:provider`. */
export const adapters: Record<string, AnyProviderAdapter> = {
  stripe: stripeAdapter,
  standard: standardAdapter,
};
