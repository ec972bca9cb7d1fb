import type { CanonicalEvent, CanonicalType } from '../events/canonical-event';
import type { QueueName } from './queue-name';

/** The one place that decides which worker queue a canonical event goes to. */
const routes = {
  'payment.succeeded': 'payments',
  'payment.failed': 'payments',
  'payment.refunded': 'payments',
  'payment.disputed': 'payments',
  'contact.created': 'crm',
  'contact.updated': 'crm',
  'deal.stage_changed': 'crm',
  'lead.submitted': 'crm',
  'message.received': 'whatsapp',
  'message.status_changed': 'whatsapp',
  'template.status_changed': 'whatsapp',
} as const satisfies Record<Exclude<CanonicalType, 'generic.received'>, QueueName>;

type Routes = typeof routes;

/**
 * The canonical event types a queue's worker receives: those routed to it, and `generic.received`,
 * whose sender names the queue. A worker's event map is typed from this, so a type routed to its
 * queue without a handler is a compile error.
 */
export type EventTypesOf<Q extends QueueName> = { [T in keyof Routes]: Routes[T] extends Q ? T : never }[keyof Routes] | 'generic.received';

export function routeEvent(event: CanonicalEvent): QueueName {
  return event.type === 'generic.received' ? event.targetQueue : routes[event.type];
}
