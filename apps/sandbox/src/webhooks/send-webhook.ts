import { sleep as realSleep } from '../support/clock';
import { networkErrorReason } from './network-error';
import { WEBHOOKS } from './registry';
import { joinUrl, type WebhookRequest } from './types';

export interface DeliveryAttempt {
  provider: string;
  event: string;
  eventId: string;
  attempt: number;
  /** HTTP status, or null when the request failed (refused, reset, timed out). */
  status: number | null;
  error?: string;
  durationMs: number;
  /** Real milliseconds until the next attempt, when one is scheduled. */
  retryInMs?: number;
}

export interface DeliveryResult {
  request: WebhookRequest;
  attempts: DeliveryAttempt[];
  delivered: boolean;
}

export interface SendOptions {
  /** Receiver base URL; the request's path is appended. */
  to: string;
  /** Seconds between attempts; default the provider's schedule. */
  retrySchedule?: readonly number[];
  /** Divides the schedule: 3600 turns an hour into a second. Default 1 (real time). */
  timeScale?: number;
  /** Caps attempts (first one included). Default: the whole schedule. */
  maxAttempts?: number;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

async function attemptOnce(request: WebhookRequest, url: string, opts: SendOptions): Promise<{ status: number | null; error?: string }> {
  const doFetch = opts.fetch ?? fetch;
  try {
    const response = await doFetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    return { status: null, error: networkErrorReason(error) };
  }
}

/** POSTs one request; on a non-2xx answer or a network error retries on the provider's (scaled) schedule. */
export async function sendWebhook(request: WebhookRequest, opts: SendOptions): Promise<DeliveryResult> {
  const schedule = opts.retrySchedule ?? WEBHOOKS[request.provider].retrySchedule;
  const maxAttempts = Math.min(opts.maxAttempts ?? Infinity, schedule.length + 1);
  const scale = opts.timeScale ?? 1;
  const wait = opts.sleep ?? realSleep;
  const url = joinUrl(opts.to, request.path);
  const attempts: DeliveryAttempt[] = [];
  for (let n = 1; n <= maxAttempts; n += 1) {
    const started = Date.now();
    const outcome = await attemptOnce(request, url, opts);
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const gap = schedule[n - 1];
    const retryInMs = !ok && n < maxAttempts && gap !== undefined ? Math.round((gap * 1000) / scale) : undefined;
    const attempt: DeliveryAttempt = {
      provider: request.provider,
      event: request.event,
      eventId: request.eventId,
      attempt: n,
      status: outcome.status,
      ...(outcome.error ? { error: outcome.error } : {}),
      durationMs: Date.now() - started,
      ...(retryInMs !== undefined ? { retryInMs } : {}),
    };
    attempts.push(attempt);
    opts.onAttempt?.(attempt);
    if (ok) return { request, attempts, delivered: true };
    if (retryInMs === undefined) break;
    await wait(retryInMs);
  }
  return { request, attempts, delivered: false };
}
