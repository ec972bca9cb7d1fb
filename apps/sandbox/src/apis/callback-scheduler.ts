import type { Clock } from '../support/clock';
import type { Log } from '../support/log';
import type { WebhookRequest } from '../webhooks/types';
import type { WebhookSender } from './types';

export interface CallbackDelivery {
  provider: string;
  event: string;
  eventId: string;
  url: string;
  status: number | null;
  error?: string;
  at: string;
}

/** Delivers the status webhooks an accepted message produces, after configured delays; cancellable on reset. */
export class CallbackScheduler {
  private readonly cancels = new Set<() => void>();
  /** Scheduled or being delivered: a test knows every status webhook has landed when this is 0. */
  private sending = 0;
  readonly deliveries: CallbackDelivery[] = [];

  constructor(private readonly clock: Clock, private readonly sender: WebhookSender, private readonly log: Log) {}

  schedule(delayMs: number, build: () => { url: string; request: WebhookRequest }): void {
    const cancel = this.clock.setTimeout(() => {
      this.cancels.delete(cancel);
      this.sending++;
      const { url, request } = build();
      this.sender(url, request)
        .then((outcome) => this.record(url, request, outcome))
        .catch((error: unknown) => this.record(url, request, { status: null, error: String(error) }))
        .finally(() => this.sending--);
    }, delayMs);
    this.cancels.add(cancel);
  }

  private record(url: string, request: WebhookRequest, outcome: { status: number | null; error?: string }): void {
    this.deliveries.push({
      provider: request.provider,
      event: request.event,
      eventId: request.eventId,
      url,
      status: outcome.status,
      ...(outcome.error ? { error: outcome.error } : {}),
      at: new Date(this.clock.now()).toISOString(),
    });
    if (outcome.status === null || outcome.status >= 300) this.log.warn('status callback not accepted', { url, eventId: request.eventId, ...outcome });
  }

  /** Status webhooks answered (or failed) since the last reset. */
  get delivered(): number {
    return this.deliveries.length;
  }

  /** Status webhooks not yet answered by the receiver (waiting for their delay, or in flight). */
  get pending(): number {
    return this.cancels.size + this.sending;
  }

  cancelAll(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }

  reset(): void {
    this.cancelAll();
    this.deliveries.length = 0;
  }
}
