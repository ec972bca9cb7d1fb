import { hubspotDaily, hubspotTenSecondly, metaError, providerError, type ErrorResponse } from '../apis/error-bodies';
import type { Rng } from '../support/rng';
import type { Throttle } from './fault-rule';

/** The provider-specific rate-limit answers a throttle fault produces. */
export function throttleResponse(throttle: Throttle, rng: Rng): ErrorResponse {
  switch (throttle) {
    case 'hubspot_ten_secondly':
      return { ...hubspotTenSecondly(rng), headers: { 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-max': '100', 'x-hubspot-ratelimit-remaining': '0' } };
    case 'hubspot_daily':
      return { ...hubspotDaily(rng), headers: { 'x-hubspot-ratelimit-daily': '250000', 'x-hubspot-ratelimit-daily-remaining': '0' } };
    case 'meta_130429':
      return metaError(rng, 400, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.');
    case 'meta_131056':
      return metaError(rng, 400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.');
    case 'meta_80007':
      return metaError(rng, 400, 80007, '(#80007) There have been too many calls to this WhatsApp Business account.', 'Rate limit issues.');
    case 'meta_4':
      return metaError(rng, 429, 4, '(#4) Application request limit reached', 'Too many API calls.');
    case 'twilio_20429':
      return providerError('twilio', 429, rng, 'Too Many Requests');
    case 'stripe_rate_limit':
      return providerError('stripe', 429, rng);
    case 'salesforce_request_limit':
      return { status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] };
  }
}
