import { canonicalEvent, type CanonicalEvent, type CanonicalType } from '../events/canonical-event';
import { routeEvent } from './route-event';
import type { QueueName } from './queue-name';

type RoutedType = Exclude<CanonicalType, 'generic.received'>;

// Written out again rather than read from the code, grouped by queue: a type moved to another
// queue fails here, and a canonical type added without a row fails to compile.
const expected = {
  payments: ['payment.succeeded', 'payment.failed', 'payment.refunded', 'payment.disputed'],
  crm: ['contact.created', 'contact.updated', 'deal.stage_changed', 'lead.submitted'],
  whatsapp: ['message.received', 'message.status_changed', 'template.status_changed'],
} as const satisfies Record<QueueName, readonly RoutedType[]>;
const everyTypeHasARow: [Exclude<RoutedType, (typeof expected)[QueueName][number]>] extends [never] ? true : never = true;

/** Every `type` the canonical schema accepts, read from the schema itself. */
function schemaTypes(): string[] {
  return canonicalEvent.options.flatMap((option) => {
    const type = option.shape.type;
    return 'options' in type ? [...type.options] : [...type.values].map(String);
  });
}

// Only the type decides the queue, so an event here is its type and nothing else.
const eventOf = (type: RoutedType) => ({ type }) as CanonicalEvent;

describe('routeEvent: canonical type → queue', () => {
  it.each((Object.keys(expected) as QueueName[]).flatMap((queue) => expected[queue].map((type) => [type, queue] as const)))('%s → %s', (type, queue) => {
    expect(routeEvent(eventOf(type))).toBe(queue);
  });

  it.each<QueueName>(['payments', 'crm', 'whatsapp'])('generic.received goes where its sender points: %s', (targetQueue) => {
    const event: CanonicalEvent = { type: 'generic.received', provider: 'standard', connection: 'billing', providerEventId: 'msg_1', occurredAt: '2026-12-01T10:00:00.000Z', sourceType: 'invoice.paid', targetQueue, data: {} };
    expect(routeEvent(event)).toBe(targetQueue);
  });

  it('has a row for every type the canonical schema accepts', () => {
    expect(everyTypeHasARow).toBe(true);
    expect(schemaTypes().sort()).toEqual([...Object.values(expected).flat(), 'generic.received'].sort());
  });
});
