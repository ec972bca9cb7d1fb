export { OutboxRelay } from './outbox-relay';
export type { OutboxRelayOptions } from './outbox-relay';
export { Reconciler } from './reconciler';
export type { ReconcilerOptions } from './reconciler';
