import { mulberry32 } from '../support/rng';
import { buildSequence, buildWebhooks, type BuildOptions } from './build-webhook';
import { deliverWebhooks, type DeliverOptions } from './deliver-webhooks';
import type { DeliveryResult } from './send-webhook';
import type { WebhookProvider, WebhookRequest } from './types';

export interface TriggerSpec {
  provider: WebhookProvider;
  /** An event type, or `sequence` for the provider's related lifecycle. */
  event: string;
  count?: number;
  duplicate?: number;
  shuffle?: boolean;
  /** Real milliseconds between first attempts. */
  delayMs?: number;
  seed?: number;
  connection?: string;
  source?: string;
}

export type TriggerOptions = Omit<BuildOptions, 'count' | 'connection' | 'source' | 'seed' | 'rng'> &
  Omit<DeliverOptions, 'duplicate' | 'shuffle' | 'seed' | 'delayMs'>;

/**
 * The requests a trigger sends, in occurrence order. `--shuffle` of a single event makes no
 * sense, so it delivers the event's related sequence instead.
 */
export function buildTrigger(spec: TriggerSpec, opts: Omit<TriggerOptions, keyof DeliverOptions> & { to?: string } = {}): WebhookRequest[] {
  const seed = spec.seed ?? Math.floor(Math.random() * 2 ** 32);
  const build: BuildOptions = {
    ...opts,
    rng: mulberry32(seed),
    ...(spec.count !== undefined ? { count: spec.count } : {}),
    ...(spec.connection ? { connection: spec.connection } : {}),
    ...(spec.source ? { source: spec.source } : {}),
  };
  const sequence = spec.event === 'sequence' || (spec.shuffle === true && (spec.count ?? 1) === 1);
  return sequence ? buildSequence(spec.provider, build) : buildWebhooks(spec.provider, spec.event, build);
}

/** Builds, signs and delivers; resolves when every delivery (with its retries) has settled. */
export async function trigger(spec: TriggerSpec, opts: TriggerOptions): Promise<DeliveryResult[]> {
  const seed = spec.seed ?? Math.floor(Math.random() * 2 ** 32);
  const requests = buildTrigger({ ...spec, seed }, opts);
  return deliverWebhooks(requests, {
    ...opts,
    ...(spec.duplicate !== undefined ? { duplicate: spec.duplicate } : {}),
    ...(spec.shuffle !== undefined ? { shuffle: spec.shuffle } : {}),
    ...(spec.delayMs !== undefined ? { delayMs: spec.delayMs } : {}),
    seed,
  });
}
