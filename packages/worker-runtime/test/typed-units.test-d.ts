/**
 * Type tests: what must NOT compile. `pnpm typecheck` (tsc over src and test) checks this file and
 * jest never runs it. Each `@ts-expect-error` fails the typecheck if the error under it disappears,
 * so none of these can pass by accident. The lines without the directive show the right way compiles.
 */
import type { CanonicalOf } from '@switchyard/domain';
import { planEffect } from '@switchyard/planning';
import type { QueueProducer } from '@switchyard/queues';
import type { EventHandler, EventHandlers } from '../src/event-worker';
import type { EffectOutcome, IdempotentPerformer, IntentPerformer, Performer, Performers } from '../src/performer';
import type { WorkerSetup } from '../src/worker-app';

declare const done: Promise<EffectOutcome>;
declare function idempotent<K extends 'crm.deal.sync' | 'crm.note' | 'crm.contact.upsert' | 'crm.lead.upsert' | 'payment.refund'>(kind: K): IdempotentPerformer<K>;
declare function intent<K extends 'team.notify' | 'message.send'>(kind: K): IntentPerformer<K>;
declare const handle: EventHandler<'payment.succeeded' | 'payment.failed' | 'payment.refunded' | 'payment.disputed' | 'generic.received'>;

// (a) A worker must have a performer for every effect kind the catalog puts on its queue.
export const crmComplete: Performers<'crm'> = {
  'crm.deal.sync': idempotent('crm.deal.sync'),
  'crm.note': idempotent('crm.note'),
  'crm.contact.upsert': idempotent('crm.contact.upsert'),
  'crm.lead.upsert': idempotent('crm.lead.upsert'),
  'team.notify': intent('team.notify'),
};
// @ts-expect-error crm.lead.upsert is on the crm queue and has no performer here
export const crmMissingOne: Performers<'crm'> = {
  'crm.deal.sync': idempotent('crm.deal.sync'),
  'crm.note': idempotent('crm.note'),
  'crm.contact.upsert': idempotent('crm.contact.upsert'),
  'team.notify': intent('team.notify'),
};
export const crmWrongKind: Performers<'crm'> = {
  'crm.deal.sync': idempotent('crm.deal.sync'),
  // @ts-expect-error a performer of another kind (its effect's request is a different shape)
  'crm.note': idempotent('crm.contact.upsert'),
  'crm.contact.upsert': idempotent('crm.contact.upsert'),
  'crm.lead.upsert': idempotent('crm.lead.upsert'),
  'team.notify': intent('team.notify'),
};
export const paymentsSetupWithoutRefunds: WorkerSetup<'payments'> = {
  events: { 'payment.succeeded': handle, 'payment.failed': handle, 'payment.refunded': handle, 'payment.disputed': handle, 'generic.received': handle },
  // @ts-expect-error payment.refund is on the payments queue: a payments worker without its performer does not compile
  performers: {},
};

// (b) A worker must handle every canonical event type routed to its queue.
export const paymentEvents: EventHandlers<'payments'> = { 'payment.succeeded': handle, 'payment.failed': handle, 'payment.refunded': handle, 'payment.disputed': handle, 'generic.received': handle };
// @ts-expect-error payment.disputed routes to the payments queue and has no handler
export const paymentEventsMissingOne: EventHandlers<'payments'> = { 'payment.succeeded': handle, 'payment.failed': handle, 'payment.refunded': handle, 'generic.received': handle };
export const handlerForAnotherType: EventHandlers<'whatsapp'> = {
  'message.received': async () => undefined,
  'template.status_changed': async () => undefined,
  'generic.received': async () => undefined,
  // @ts-expect-error a handler of lead events cannot stand for message statuses
  'message.status_changed': (event: CanonicalOf<'lead.submitted'>) => Promise.resolve(void event.formId),
};

// (c) The hooks of intent sends cannot be given to an idempotent performer, nor the mode changed.
export const refund: Performer<'payment.refund'> = { mode: 'idempotent', perform: () => done };
export const refundWithFindOutcome: Performer<'payment.refund'> = {
  mode: 'idempotent',
  perform: () => done,
  // @ts-expect-error findOutcome is for intent sends (the provider cannot deduplicate); a refund has an idempotency key
  findOutcome: async () => null,
};
export const refundWithPrepare: Performer<'payment.refund'> = {
  mode: 'idempotent',
  perform: () => done,
  // @ts-expect-error prepare is for intent sends only
  prepare: async () => undefined,
};
// @ts-expect-error the catalog says a refund is idempotent; a performer cannot make it an intent send
export const refundAsIntent: Performer<'payment.refund'> = { mode: 'intent', perform: () => done };
export const send: Performer<'message.send'> = { mode: 'intent', perform: () => done, findOutcome: async () => null, prepare: async () => ({ asText: false }) };

// (d) Enqueueing a wrong payload: registry jobs and planned effects are typed by their schemas.
declare const producer: QueueProducer;
export const rightJob = () => producer.enqueue('payments', 'payments.process-event.v1', { eventId: '00000000-0000-4000-8000-000000000000' }, 'payments.evt.x');
// @ts-expect-error a process-event job carries an eventId, not an effectId
export const wrongJobPayload = () => producer.enqueue('payments', 'payments.process-event.v1', { effectId: '00000000-0000-4000-8000-000000000000' }, 'payments.evt.x');
// @ts-expect-error crm's jobs are not on the payments queue
export const jobOnWrongQueue = () => producer.enqueue('payments', 'crm.process-event.v1', { eventId: '00000000-0000-4000-8000-000000000000' }, 'payments.evt.x');
const about = { businessKey: 'refund:stripe:default:pi_1:r1', provider: 'stripe', connection: 'default', entityType: 'payment', entityKey: 'stripe:default:pi_1' };
export const rightPlan = planEffect('payment.refund', { ...about, request: { provider: 'stripe', connection: 'default', paymentId: 'pi_1' } });
// @ts-expect-error a refund's request needs the payment id
export const planWithoutPaymentId = planEffect('payment.refund', { ...about, request: { provider: 'stripe', connection: 'default' } });
// @ts-expect-error a refund's request is not a message
export const planWithAnotherKindsRequest = planEffect('payment.refund', { ...about, request: { channel: 'twilio', connection: 'default', to: '15550001111', notification: 'x', template: { name: 'x', language: 'en', parameters: [] }, consent: 'opted_in' } });
