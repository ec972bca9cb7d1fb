import { z } from 'zod';
import { crmProviders, messagingChannels, type TemplateContext } from '@switchyard/settings';

/**
 * What each effect kind carries in the ledger's `request` column (never credentials). These schemas
 * are the one definition: the types are inferred from them, and the effect runner parses a stored
 * request with its kind's schema before performing it. Requests outlive deploys, so a field is only
 * ever added as optional; one a released planner wrote is never made stricter.
 */

const optionalText = z.string().optional();

/** The values a message is about (TemplateContext in @switchyard/settings). */
export const templateContext = z.object({
  customer: z.object({ name: optionalText, phone: optionalText, email: optionalText }).optional(),
  payment: z.object({ amount: optionalText, currency: optionalText, id: optionalText, link: optionalText, gateway: optionalText }).optional(),
  order: z.object({ id: optionalText }).optional(),
  refund: z.object({ amount: optionalText }).optional(),
  lead: z.object({ name: optionalText, owner: optionalText }).optional(),
  deal: z.object({ stage: optionalText }).optional(),
  message: z.object({ error: optionalText }).optional(),
}) satisfies z.ZodType<TemplateContext>;

export const messageSendRequest = z.object({
  channel: z.enum(messagingChannels),
  connection: z.string(),
  /** Digits only. */
  to: z.string(),
  /** The template key in the settings: the sending worker renders this template with its current settings. */
  notification: z.string(),
  /** As rendered when planned; what is sent when the key is no longer configured, or the request has no `context`. */
  template: z.object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) }),
  /** Free-form text to send instead, when the recipient wrote to us within 24 hours. */
  text: optionalText,
  /** The values the message is about, rendered into the template when it is sent (absent on requests planned before 2026-12). */
  context: templateContext.optional(),
  /** Consent needed: marketing/status messages need opt-in; transactional ones follow the policy. */
  consent: z.enum(['opted_in', 'unless_opted_out']),
  /** Send only while this payment is NOT paid (a failure notice must not go out after success). */
  unlessPaid: optionalText,
});
export type MessageSendRequest = z.infer<typeof messageSendRequest>;

export const teamNotifyRequest = z.object({
  name: z.string(),
  url: z.string(),
  format: z.enum(['slack', 'json']),
  event: z.string(),
  text: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type TeamNotifyRequest = z.infer<typeof teamNotifyRequest>;

/** Which CRM connection a CRM effect writes to. */
export const crmTarget = z.object({ provider: z.enum(crmProviders), connection: z.string() });
export type CrmTarget = z.infer<typeof crmTarget>;

const contactKeys = z.object({ phone: optionalText, email: optionalText });

export const dealSyncRequest = crmTarget.extend({ paymentKey: z.string() });
export type DealSyncRequest = z.infer<typeof dealSyncRequest>;

export const crmNoteRequest = crmTarget.extend({
  /** The note's own external id, so writing it twice leaves one note. */
  noteId: z.string(),
  body: z.string(),
  deal: z.object({ externalId: z.string() }).optional(),
  /**
   * A payment's note: the deal is looked up when the note is written, from the payment as it is
   * then, because the order id (and with it the deal) may arrive with a later event than the note's.
   */
  paymentKey: optionalText,
  contact: contactKeys.optional(),
});
export type CrmNoteRequest = z.infer<typeof crmNoteRequest>;

export const contactUpsertRequest = crmTarget.extend({
  phone: optionalText,
  email: optionalText,
  name: optionalText,
  properties: z.record(z.string(), z.string()).optional(),
});
export type ContactUpsertRequest = z.infer<typeof contactUpsertRequest>;

export const leadUpsertRequest = crmTarget.extend({
  leadId: z.string(),
  dealExternalId: z.string(),
  name: z.string(),
  owner: z.string(),
  pipeline: z.string(),
  stage: z.string(),
  contact: contactKeys.extend({ name: optionalText }),
  source: optionalText,
  region: optionalText,
});
export type LeadUpsertRequest = z.infer<typeof leadUpsertRequest>;

export const refundRequest = z.object({
  provider: z.enum(['stripe', 'razorpay', 'paypal']),
  connection: z.string(),
  paymentId: z.string(),
  amount: z.number().optional(),
  currency: optionalText,
  reason: optionalText,
});
export type RefundRequest = z.infer<typeof refundRequest>;
