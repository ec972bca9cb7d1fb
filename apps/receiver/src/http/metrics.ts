import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ReceiverMetrics {
  registry: Registry;
  received: Counter<'provider'>;
  verified: Counter<'provider'>;
  rejected: Counter<'provider' | 'reason'>;
  duplicates: Counter<'provider'>;
  stored: Counter<'provider' | 'status'>;
  unknownApiVersion: Counter<'provider' | 'version'>;
  ackLatency: Histogram<'provider' | 'outcome'>;
  outboxBacklog: Gauge;
}

export function createReceiverMetrics(outboxBacklog: () => Promise<number>): ReceiverMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    received: new Counter({ name: 'switchyard_webhooks_received_total', help: 'Webhook deliveries received', labelNames: ['provider'], registers: [registry] }),
    verified: new Counter({ name: 'switchyard_webhooks_verified_total', help: 'Deliveries whose signature or credentials verified', labelNames: ['provider'], registers: [registry] }),
    rejected: new Counter({ name: 'switchyard_webhooks_rejected_total', help: 'Deliveries refused, by reason', labelNames: ['provider', 'reason'], registers: [registry] }),
    duplicates: new Counter({ name: 'switchyard_webhooks_duplicates_total', help: 'Events already stored (provider retries, duplicate deliveries)', labelNames: ['provider'], registers: [registry] }),
    stored: new Counter({ name: 'switchyard_events_stored_total', help: 'New events stored, by initial status', labelNames: ['provider', 'status'], registers: [registry] }),
    unknownApiVersion: new Counter({
      name: 'switchyard_events_unknown_api_version_total',
      help: 'New events sent with a provider API version their adapter does not state it understands (stored either way)',
      labelNames: ['provider', 'version'],
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'switchyard_webhook_ack_seconds',
      help: 'Time from request to answer',
      labelNames: ['provider', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outboxBacklog: new Gauge({
      name: 'switchyard_outbox_backlog',
      help: 'Outbox entries not yet dispatched to Redis',
      registers: [registry],
      async collect() {
        this.set(await outboxBacklog().catch(() => -1));
      },
    }),
  };
}
