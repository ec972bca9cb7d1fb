/**
 * Lifecycle of an inbound event: received (stored) → queued (job in Redis) → processing → processed.
 * `failed` is waiting for a retry, `dead` has exhausted its retries, `ignored` is a type we do not act on,
 * `unmapped` is a type we act on whose payload could not be mapped to a valid canonical event (stored,
 * never queued, raised for a person with the reason).
 */
export const EventStatus = {
  received: 'received',
  queued: 'queued',
  processing: 'processing',
  processed: 'processed',
  failed: 'failed',
  dead: 'dead',
  ignored: 'ignored',
  unmapped: 'unmapped',
} as const;
export type EventStatus = (typeof EventStatus)[keyof typeof EventStatus];
export const eventStatuses = Object.values(EventStatus);

/** Statuses in which an event still owes work; the reconciler re-drives those that stall. */
export const unfinishedStatuses: readonly EventStatus[] = [EventStatus.received, EventStatus.queued, EventStatus.processing, EventStatus.failed];
