const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** Doubling gaps from `first` seconds, each at most `maxGap`, until `window` seconds or `maxAttempts`. */
export function exponentialSchedule(first: number, window: number, maxGap = Infinity, maxAttempts = 50): number[] {
  const gaps: number[] = [];
  let gap = first;
  let total = 0;
  while (total + gap <= window && gaps.length < maxAttempts - 1) {
    gaps.push(gap);
    total += gap;
    gap = Math.min(gap * 2, maxGap);
  }
  return gaps;
}

/**
 * Seconds between delivery attempts after a non-2xx answer, shaped after each provider's docs
 * (providers.md). Only the shape matters here: the CLI compresses them with --time-scale.
 */
export const RETRY_SCHEDULES = {
  /** Live mode: exponential back-off for up to 3 days. */
  stripe: exponentialSchedule(MINUTE, 3 * DAY, 12 * HOUR),
  /** Exponential for 24 h, then the webhook is disabled. */
  razorpay: exponentialSchedule(MINUTE, DAY, 6 * HOUR),
  /** 25 attempts over 3 days. */
  paypal: exponentialSchedule(MINUTE, 3 * DAY, 4 * HOUR, 25),
  /** Up to 10 attempts over ~24 h. */
  hubspot: exponentialSchedule(169, DAY, DAY, 10),
  /** Exponential, at most 2 h apart, dropped after 24 h. */
  salesforce: exponentialSchedule(15, DAY, 2 * HOUR),
  /** "A few retries". */
  pipedrive: [MINUTE, 5 * MINUTE, 15 * MINUTE],
  /** Up to 7 days. */
  whatsapp: exponentialSchedule(MINUTE, 7 * DAY, 12 * HOUR),
  /** None by default. */
  twilio: [],
  /** The Standard Webhooks spec example: 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
  standard: [5, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR],
} as const satisfies Record<string, readonly number[]>;
