import { PermanentError } from '@switchyard/errors';
import type { Provider } from './providers';

/**
 * A 2xx answer without the field we need. The call may have taken effect, so retrying blindly is
 * unsafe: it is permanent and goes to a human (dead letter).
 */
export function unexpectedResponse(provider: Provider, missing: string): PermanentError {
  return new PermanentError(`${provider} answered 2xx without ${missing}`, `${provider.toUpperCase()}_UNEXPECTED_RESPONSE`, { provider });
}
