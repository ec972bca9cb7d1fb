export interface RateDecision {
  allowed: boolean;
  policy?: 'TEN_SECONDLY_ROLLING' | 'DAILY';
  headers: Record<string, string>;
}

const WINDOW_MS = 10_000;

/** HubSpot's limits per account: a rolling 10-second window and a daily count (reset at UTC midnight). */
export class HubspotRateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly daily = new Map<string, { day: string; count: number }>();

  constructor(private readonly tenSecondLimit: number, private readonly dailyLimit: number) {}

  take(account: string, now: number): RateDecision {
    const day = new Date(now).toISOString().slice(0, 10);
    const dailyEntry = this.daily.get(account);
    const daily = dailyEntry && dailyEntry.day === day ? dailyEntry : { day, count: 0 };
    this.daily.set(account, daily);
    const window = (this.windows.get(account) ?? []).filter((t) => now - t < WINDOW_MS);
    this.windows.set(account, window);
    const headers = (remaining: number, dailyRemaining: number) => ({
      'x-hubspot-ratelimit-daily': String(this.dailyLimit),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, dailyRemaining)),
      'x-hubspot-ratelimit-interval-milliseconds': String(WINDOW_MS),
      'x-hubspot-ratelimit-max': String(this.tenSecondLimit),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, remaining)),
    });
    if (daily.count >= this.dailyLimit) return { allowed: false, policy: 'DAILY', headers: headers(this.tenSecondLimit - window.length, 0) };
    if (window.length >= this.tenSecondLimit) {
      return { allowed: false, policy: 'TEN_SECONDLY_ROLLING', headers: headers(0, this.dailyLimit - daily.count) };
    }
    window.push(now);
    daily.count += 1;
    return { allowed: true, headers: headers(this.tenSecondLimit - window.length, this.dailyLimit - daily.count) };
  }

  usage(): Record<string, { lastTenSeconds: number; today: number }> {
    return Object.fromEntries(
      [...this.daily.entries()].map(([account, d]) => [account, { lastTenSeconds: this.windows.get(account)?.length ?? 0, today: d.count }]),
    );
  }

  clear(): void {
    this.windows.clear();
    this.daily.clear();
  }
}
