import { randomUUID } from 'node:crypto';
import type { NewInboundEvent } from '@switchyard/db';
import { eventJobId } from '@switchyard/queues';

/** A Stripe payment event as ingest stores it (with its outbox job); override what the test is about. */
export function inboundEventFixture(providerEventId: string, over: Partial<NewInboundEvent> = {}): NewInboundEvent {
  const id = randomUUID();
  return {
    id,
    provider: 'stripe',
    connection: 'default',
    providerEventId,
    type: 'payment_intent.succeeded',
    canonicalType: 'payment.succeeded',
    queue: 'payments',
    status: 'received',
    payload: { id: providerEventId },
    canonical: { type: 'payment.succeeded', amount: 1200 },
    headers: { 'user-agent': 'Stripe/1.0' },
    occurredAt: null,
    // A real job (name and data as the registry defines them): a relay sharing the database dispatches it.
    outbox: { queue: 'payments', jobName: 'payments.process-event.v1', jobId: eventJobId('payments', id), data: { eventId: id } },
    ...over,
  };
}
