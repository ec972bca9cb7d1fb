import { msUntilNextUtcMidnight, providerWaitMs, rateLimitResetMs, retryAfterMs } from './retry-after';

const now = Date.parse('2025-03-01T10:00:00.000Z');

describe('provider wait headers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '7' }, now)).toBe(7000);
    expect(retryAfterMs({ 'retry-after': '1.5' }, now)).toBe(1500);
    expect(retryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 10:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 09:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('reads X-RateLimit-Reset / RateLimit-Reset as a delta, or as an epoch when it is one', () => {
    expect(rateLimitResetMs({ 'x-ratelimit-reset': '2' }, now)).toBe(2000);
    expect(rateLimitResetMs({ 'ratelimit-reset': '60' }, now)).toBe(60_000);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': String(now / 1000 + 90) }, now)).toBe(90_000);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': String(now + 500) }, now)).toBe(500);
  });

  it('prefers Retry-After over reset headers', () => {
    expect(providerWaitMs({ 'retry-after': '3', 'x-ratelimit-reset': '9' }, now)).toBe(3000);
    expect(providerWaitMs({ 'x-ratelimit-reset': '9' }, now)).toBe(9000);
  });

  it('counts to the next UTC midnight', () => {
    expect(msUntilNextUtcMidnight(now)).toBe(14 * 3_600_000);
    expect(msUntilNextUtcMidnight(Date.parse('2025-03-01T23:59:59.000Z'))).toBe(1000);
  });
});
