export { OutboxRelay } from './outbox-relay';
export type { OutboxRelayOptions } from './outbox-relay';
export { StaleWorkRedriver } from './stale-work-redriver';
export type { StaleWorkRedriverOptions } from './stale-work-redriver';
