/**
 * Every kind of side effect the fleet performs, and the worker queue that performs it. The
 * queue follows the provider: CRM writes and team notifications on `crm`, customer messages on
 * `whatsapp`, refunds on `payments`.
 */
export const effectKinds = {
  /** Upsert the payment's deal with the stage its current state maps to (read at perform time). */
  dealSync: { kind: 'crm.deal.sync', queue: 'crm' },
  /** A note on a CRM deal or contact (payment note, refund, dispute, failed message, inbound message). */
  crmNote: { kind: 'crm.note', queue: 'crm' },
  /** Upsert a CRM contact by phone or email. */
  contactUpsert: { kind: 'crm.contact.upsert', queue: 'crm' },
  /** Upsert a lead's contact and deal in the configured pipeline with its owner. */
  leadUpsert: { kind: 'crm.lead.upsert', queue: 'crm' },
  /** Post to a team channel (Slack-compatible incoming webhook or any HTTP endpoint). */
  teamNotify: { kind: 'team.notify', queue: 'crm' },
  /** Send a customer a WhatsApp template / text (or an SMS through Twilio). */
  messageSend: { kind: 'message.send', queue: 'whatsapp' },
  /** Refund a payment at its gateway with the gateway's idempotency key. */
  refund: { kind: 'payment.refund', queue: 'payments' },
} as const;

export type EffectKind = (typeof effectKinds)[keyof typeof effectKinds]['kind'];
