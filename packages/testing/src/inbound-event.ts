import { randomUUID } from 'node:crypto';
import type { NewInboundEvent } from '@switchyard/db';

/** A Stripe payment event as ingest stores it (with its outbox job); override what the test is about. */
export function inboundEventFixture(providerEventId: string, over: Partial<NewInboundEvent> = {}): NewInboundEvent {
  return {
    id: randomUUID(),
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
    outbox: { queue: 'payments', jobName: 'payments.apply-event.v1', jobId: `stripe-${providerEventId}`, data: { eventId: providerEventId } },
    ...over,
  };
}
