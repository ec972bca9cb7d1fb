export { EventStatus, eventStatuses, unfinishedStatuses } from './events/event-status';
export * from './events/canonical-event';
export { routeEvent } from './routing/route-event';
export type { WorkQueue } from './routing/route-event';
