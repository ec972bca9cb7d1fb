import type { TemplateContext } from '@switchyard/settings';

/** What each effect kind carries in the ledger's `request` column (never credentials). */

export interface MessageSendRequest {
  channel: 'whatsapp_cloud' | 'twilio';
  connection: string;
  /** Digits only. */
  to: string;
  /** The template key in the settings: the sending worker renders this template with its current settings. */
  notification: string;
  /** As rendered when planned; what is sent when the key is no longer configured, or the request has no `context`. */
  template: { name: string; language: string; parameters: string[] };
  /** Free-form text to send instead, when the recipient wrote to us within 24 hours. */
  text?: string;
  /** The values the message is about, rendered into the template when it is sent (absent on requests planned before 2026-12). */
  context?: TemplateContext;
  /** Consent needed: marketing/status messages need opt-in; transactional ones follow the policy. */
  consent: 'opted_in' | 'unless_opted_out';
  /** Send only while this payment is NOT paid (a failure notice must not go out after success). */
  unlessPaid?: string;
}

export interface TeamNotifyRequest {
  name: string;
  url: string;
  format: 'slack' | 'json';
  event: string;
  text: string;
  data: Record<string, unknown>;
}

export interface CrmTarget {
  provider: 'hubspot' | 'pipedrive' | 'salesforce';
  connection: string;
}

export interface DealSyncRequest extends CrmTarget {
  paymentKey: string;
}

export interface CrmNoteRequest extends CrmTarget {
  /** The note's own external id, so writing it twice leaves one note. */
  noteId: string;
  body: string;
  deal?: { externalId: string };
  /**
   * A payment's note: the deal is looked up when the note is written, from the payment as it is
   * then, because the order id (and with it the deal) may arrive with a later event than the note's.
   */
  paymentKey?: string;
  contact?: { phone?: string; email?: string };
}

export interface ContactUpsertRequest extends CrmTarget {
  phone?: string;
  email?: string;
  name?: string;
  properties?: Record<string, string>;
}

export interface LeadUpsertRequest extends CrmTarget {
  leadId: string;
  dealExternalId: string;
  name: string;
  owner: string;
  pipeline: string;
  stage: string;
  contact: { phone?: string; email?: string; name?: string };
  source?: string;
  region?: string;
}

export interface RefundRequest {
  provider: 'stripe' | 'razorpay' | 'paypal';
  connection: string;
  paymentId: string;
  amount?: number;
  currency?: string;
  reason?: string;
}
