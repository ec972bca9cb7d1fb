import type { CanonicalEvent, CanonicalType } from '../events/canonical-event';

export type WorkQueue = 'payments' | 'crm' | 'whatsapp';

/** The one place that decides which worker queue a canonical event goes to. */
const routes: Record<Exclude<CanonicalType, 'generic.received'>, WorkQueue> = {
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
};

export function routeEvent(event: CanonicalEvent): WorkQueue {
  return event.type === 'generic.received' ? event.targetQueue : routes[event.type];
}
