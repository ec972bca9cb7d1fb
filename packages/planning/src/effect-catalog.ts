import type { z } from 'zod';
import type { QueueName } from '@switchyard/domain';
import { contactUpsertRequest, crmNoteRequest, dealSyncRequest, leadUpsertRequest, messageSendRequest, refundRequest, teamNotifyRequest } from './effect-requests';

/**
 * How the provider takes a repeated call:
 * - `idempotent`: it deduplicates (idempotency key, upsert by external id), so an interrupted call is
 *   simply made again with the same key.
 * - `intent`: it cannot (WhatsApp, Twilio, incoming webhooks). The intent is committed before the
 *   call; a run that finds an intent with no recorded outcome never sends blindly: it settles the
 *   effect with the outcome found since (a status webhook) or parks it for a person.
 */
export type EffectMode = 'idempotent' | 'intent';

export interface EffectDefinition {
  /** The worker queue that performs it; it follows the provider. */
  queue: QueueName;
  /** What the ledger's `request` column holds for it. */
  request: z.ZodType;
  mode: EffectMode;
}

/**
 * Every kind of side effect the fleet performs. The queue follows the provider: CRM writes and team
 * notifications on `crm`, customer messages on `whatsapp`, refunds on `payments`. Kind names are
 * permanent once released (they key the ledger); a worker's performers are typed from this, so a
 * kind on its queue without a performer is a compile error.
 */
export const effectCatalog = {
  /** Upsert the payment's deal with the stage its current state maps to (read at perform time). */
  'crm.deal.sync': { queue: 'crm', request: dealSyncRequest, mode: 'idempotent' },
  /** A note on a CRM deal or contact (payment note, refund, dispute, failed message, inbound message). */
  'crm.note': { queue: 'crm', request: crmNoteRequest, mode: 'idempotent' },
  /** Upsert a CRM contact by phone or email. */
  'crm.contact.upsert': { queue: 'crm', request: contactUpsertRequest, mode: 'idempotent' },
  /** Upsert a lead's contact and deal in the configured pipeline with its owner. */
  'crm.lead.upsert': { queue: 'crm', request: leadUpsertRequest, mode: 'idempotent' },
  /** Post to a team channel (Slack-compatible incoming webhook or any HTTP endpoint): cannot deduplicate. */
  'team.notify': { queue: 'crm', request: teamNotifyRequest, mode: 'intent' },
  /** Send a customer a WhatsApp template / text (or an SMS through Twilio): cannot deduplicate. */
  'message.send': { queue: 'whatsapp', request: messageSendRequest, mode: 'intent' },
  /** Refund a payment at its gateway with the gateway's idempotency key. */
  'payment.refund': { queue: 'payments', request: refundRequest, mode: 'idempotent' },
} as const satisfies Record<string, EffectDefinition>;

type Catalog = typeof effectCatalog;

export type EffectKind = keyof Catalog;

/** The request an effect of kind K carries. */
export type EffectRequest<K extends EffectKind> = z.infer<Catalog[K]['request']>;

export type EffectModeOf<K extends EffectKind> = Catalog[K]['mode'];

export type EffectQueueOf<K extends EffectKind> = Catalog[K]['queue'];

/** The effect kinds a queue's worker performs. */
export type EffectKindsOf<Q extends QueueName> = { [K in EffectKind]: Catalog[K]['queue'] extends Q ? K : never }[EffectKind];

export function isEffectKind(kind: string): kind is EffectKind {
  return Object.hasOwn(effectCatalog, kind);
}
