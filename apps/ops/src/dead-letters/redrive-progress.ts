import type { Enums, RedriveItemTally } from '@switchyard/db';

export type RedriveItemState = 'running' | 'done' | 'skipped' | 'failed';

export interface RedriveProgress {
  done: number;
  skipped: number;
  failed: number;
  /** Not tried yet, or re-driven and its job not finished. */
  running: number;
}

const EFFECT_STATE: Record<Enums.EffectStatus, RedriveItemState> = {
  pending: 'running',
  sending: 'running',
  done: 'done',
  skipped: 'skipped',
  failed: 'failed',
  // Its outcome is unknown and a person must decide: the re-drive did not get it done.
  parked: 'failed',
};

const EVENT_STATE: Record<Enums.EventStatus, RedriveItemState> = {
  received: 'running',
  queued: 'running',
  processing: 'running',
  // Between attempts: the job retries with backoff before it is dead.
  failed: 'running',
  processed: 'done',
  ignored: 'done',
  unmapped: 'skipped',
  dead: 'failed',
};

/**
 * Where one item of a bulk re-drive stands: by what trying it did, then (once re-driven) by its
 * effect's or event's status now, so `done` counts jobs that finished, not jobs enqueued. A
 * dead letter whose effect or event is no longer stored (erased, expired) has nothing left to do.
 */
export function redriveItemState(item: Omit<RedriveItemTally, 'count'>): RedriveItemState {
  if (item.outcome === null) return 'running';
  if (item.outcome === 'skipped') return 'skipped';
  if (item.outcome === 'refused') return 'failed';
  if (item.effectStatus !== null) return EFFECT_STATE[item.effectStatus];
  if (item.eventStatus !== null) return EVENT_STATE[item.eventStatus];
  return 'skipped';
}

export function redriveProgress(tallies: RedriveItemTally[]): RedriveProgress {
  const progress: RedriveProgress = { done: 0, skipped: 0, failed: 0, running: 0 };
  for (const t of tallies) progress[redriveItemState(t)] += t.count;
  return progress;
}
