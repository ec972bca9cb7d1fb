import { z } from 'zod';
import { messageStatuses } from '../messages/message-state';
import { queueNames } from '../routing/queue-name';

/** Money in minor units (cents, paise) with an ISO 4217 lower-case currency. */
const money = { amount: z.number().int().nonnegative(), currency: z.string().regex(/^[a-z]{3}$/) };

const customer = z
  .object({ email: z.string().optional(), phone: z.string().optional(), name: z.string().optional(), id: z.string().optional() })
  .default({});

/** Fields every canonical event carries. `occurredAt` is the provider's own time, used to order late arrivals. */
const base = {
  provider: z.string(),
  connection: z.string(),
  providerEventId: z.string(),
  occurredAt: z.string().datetime({ offset: true }),
};

export const paymentSucceeded = z.object({ ...base, type: z.literal('payment.succeeded'), paymentId: z.string(), orderId: z.string().optional(), ...money, customer, link: z.string().optional() });
/** `link`: where the customer can pay again, when the gateway (or the merchant's metadata) names one. */
export const paymentFailed = z.object({ ...base, type: z.literal('payment.failed'), paymentId: z.string(), orderId: z.string().optional(), ...money, customer, failureCode: z.string().optional(), failureMessage: z.string().optional(), link: z.string().optional() });
export const paymentRefunded = z.object({
  ...base,
  type: z.literal('payment.refunded'),
  paymentId: z.string(),
  orderId: z.string().optional(),
  /**
   * The refund this event is about. Without it the event only reports the running total (Stripe's
   * charge.refunded since API 2022-11-15): `amount` is then that total, and no refund is counted.
   */
  refundId: z.string().optional(),
  /** Amount of this refund; `totalRefunded` is the running total the provider reports, when it does. */
  ...money,
  totalRefunded: z.number().int().nonnegative().optional(),
  paymentAmount: z.number().int().nonnegative().optional(),
  full: z.boolean(),
  /** Set when the money went back without a refund of ours: `reversal` (the provider reversed the capture, e.g. a chargeback). */
  reason: z.enum(['reversal']).optional(),
  customer,
});
export const paymentDisputed = z.object({ ...base, type: z.literal('payment.disputed'), paymentId: z.string(), disputeId: z.string(), ...money, reason: z.string().optional(), customer });

export const contactUpserted = z.object({
  ...base,
  type: z.enum(['contact.created', 'contact.updated']),
  contactId: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  name: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
});
export const stageChanged = z.object({
  ...base,
  type: z.literal('deal.stage_changed'),
  objectType: z.enum(['deal', 'lead', 'opportunity']),
  objectId: z.string(),
  oldStage: z.string().nullable(),
  newStage: z.string(),
  contact: customer,
});
export const messageReceived = z.object({ ...base, type: z.literal('message.received'), channel: z.enum(['whatsapp_cloud', 'twilio']), messageId: z.string(), from: z.string(), to: z.string().optional(), text: z.string().optional(), messageType: z.string(), profileName: z.string().optional() });
export const messageStatusChanged = z.object({
  ...base,
  type: z.literal('message.status_changed'),
  channel: z.enum(['whatsapp_cloud', 'twilio']),
  messageId: z.string(),
  recipient: z.string().optional(),
  /** `group` for a group message, whose `recipient` is the group and `recipientParticipant` the member. */
  recipientType: z.string().optional(),
  recipientParticipant: z.string().optional(),
  status: z.enum(messageStatuses),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  /** What we attached to the send (WhatsApp `biz_opaque_callback_data`): our effect id. */
  callbackData: z.string().optional(),
});
export const templateStatusChanged = z.object({ ...base, type: z.literal('template.status_changed'), templateName: z.string(), language: z.string().optional(), status: z.string(), reason: z.string().optional() });
/** A submission of one of the configured lead forms (`POST /forms/:formId`), fields already validated. */
export const leadSubmitted = z.object({
  ...base,
  type: z.literal('lead.submitted'),
  formId: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  name: z.string().optional(),
  region: z.string().optional(),
  source: z.string().optional(),
  consent: z.boolean().default(false),
  fields: z.record(z.string(), z.unknown()).default({}),
});
/** A Standard Webhooks sender's event: we keep its type and data; its source decides the queue. */
export const genericReceived = z.object({ ...base, type: z.literal('generic.received'), sourceType: z.string(), targetQueue: z.enum(queueNames), data: z.unknown() });

export const canonicalEvent = z.discriminatedUnion('type', [paymentSucceeded, paymentFailed, paymentRefunded, paymentDisputed, contactUpserted, stageChanged, messageReceived, messageStatusChanged, templateStatusChanged, leadSubmitted, genericReceived]);
export type CanonicalEvent = z.infer<typeof canonicalEvent>;
export type CanonicalType = CanonicalEvent['type'];
export type CanonicalOf<T extends CanonicalType> = Extract<CanonicalEvent, { type: T }>;
