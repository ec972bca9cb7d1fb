import { sleep as realSleep } from '../support/clock';
import { mulberry32, shuffle } from '../support/rng';
import { sendWebhook, type DeliveryResult, type SendOptions } from './send-webhook';
import type { WebhookRequest } from './types';

export interface DeliverOptions extends SendOptions {
  /** Extra copies of every request (same bytes, same event id). */
  duplicate?: number;
  /** Deliver in a seeded random order instead of occurrence order. */
  shuffle?: boolean;
  seed?: number;
  /** Real milliseconds between first attempts. */
  delayMs?: number;
}

/** Orders the deliveries: each original followed by its duplicates, then (optionally) shuffled with the seed. */
export function planDeliveries(requests: readonly WebhookRequest[], opts: Pick<DeliverOptions, 'duplicate' | 'shuffle' | 'seed'>): WebhookRequest[] {
  const copies = Math.max(0, opts.duplicate ?? 0);
  const planned = requests.flatMap((request) => Array.from({ length: copies + 1 }, () => request));
  return opts.shuffle ? shuffle(mulberry32(opts.seed ?? 1), planned) : planned;
}

/**
 * Sends first attempts one by one in plan order (so the order is the one chosen); retries run
 * concurrently on their own schedule, as a provider's would. Resolves when every delivery settled.
 */
export async function deliverWebhooks(requests: readonly WebhookRequest[], opts: DeliverOptions): Promise<DeliveryResult[]> {
  const plan = planDeliveries(requests, opts);
  const wait = opts.sleep ?? realSleep;
  const pending: Array<Promise<DeliveryResult>> = [];
  for (const [index, request] of plan.entries()) {
    if (index > 0 && opts.delayMs) await wait(opts.delayMs);
    let firstDone: () => void = () => {};
    const first = new Promise<void>((resolve) => (firstDone = resolve));
    pending.push(
      sendWebhook(request, {
        ...opts,
        onAttempt: (attempt) => {
          opts.onAttempt?.(attempt);
          if (attempt.attempt === 1) firstDone();
        },
      }).finally(() => firstDone()),
    );
    await first;
  }
  return Promise.all(pending);
}
