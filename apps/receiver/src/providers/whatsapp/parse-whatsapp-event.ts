import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';
import type { WhatsappItem } from './split-whatsapp-delivery';

const STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
type Status = (typeof STATUSES)[number];

function fromUnix(seconds: string | number | undefined): Date | null {
  if (seconds === undefined || seconds === '') return null;
  const n = Number(seconds);
  return Number.isFinite(n) ? new Date(n * 1000) : null;
}

/** The readable part of the message's own type; media without caption, locations etc. have none. */
function textOf(message: Record<string, unknown> & { type: string }): string | undefined {
  const part = message[message.type] as { body?: string; text?: string; caption?: string; button_reply?: { title?: string }; list_reply?: { title?: string } } | undefined;
  if (!part || typeof part !== 'object') return undefined;
  switch (message.type) {
    case 'text':
      return part.body;
    case 'button':
      return part.text;
    case 'interactive':
      return part.button_reply?.title ?? part.list_reply?.title;
    default:
      return part.caption;
  }
}

/** What an item is stored as: `messages.<type>`, `statuses.<status>`, or the webhook field. */
export function whatsappItemType(item: WhatsappItem): string {
  switch (item.kind) {
    case 'message':
      return `messages.${item.message.type}`;
    case 'status':
      return `statuses.${item.status.status}`;
    case 'template':
      return 'message_template_status_update';
    case 'other':
      return item.field;
  }
}

/**
 * Messages → message.received, statuses → message.status_changed, template reviews →
 * template.status_changed. Other fields, and statuses outside sent/delivered/read/failed, are
 * stored as ignored.
 */
export function parseWhatsappEvent(item: WhatsappItem, ctx: ParseContext): ParsedEvent {
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId };
  // Canonical events need a time; when Meta gives none we fall back to when we received it.
  const at = (d: Date | null) => (d ?? new Date()).toISOString();
  switch (item.kind) {
    case 'message': {
      const m = item.message;
      const occurredAt = fromUnix(m.timestamp);
      const canonical: CanonicalEvent = { ...base, occurredAt: at(occurredAt), type: 'message.received', channel: 'whatsapp_cloud', messageId: m.id, from: m.from, to: item.to, text: textOf(m), messageType: m.type, profileName: item.profileName };
      return { type: whatsappItemType(item), occurredAt, canonical };
    }
    case 'status': {
      const s = item.status;
      const occurredAt = fromUnix(s.timestamp);
      if (!(STATUSES as readonly string[]).includes(s.status)) return { type: whatsappItemType(item), occurredAt, canonical: null };
      const error = s.errors?.[0];
      const canonical: CanonicalEvent = {
        ...base,
        occurredAt: at(occurredAt),
        type: 'message.status_changed',
        channel: 'whatsapp_cloud',
        messageId: s.id,
        recipient: s.recipient_id,
        // A group message has one status per member: recipient_id is the group, this the member.
        ...(s.recipient_participant_id ? { recipientParticipant: s.recipient_participant_id } : {}),
        ...(s.recipient_type ? { recipientType: s.recipient_type } : {}),
        status: s.status as Status,
        errorCode: error ? String(error.code) : undefined,
        errorMessage: error ? (error.error_data?.details ?? error.message ?? error.title) : undefined,
        ...(s.biz_opaque_callback_data ? { callbackData: s.biz_opaque_callback_data } : {}),
      };
      return { type: whatsappItemType(item), occurredAt, canonical };
    }
    case 'template': {
      const u = item.update;
      const occurredAt = fromUnix(item.time);
      const canonical: CanonicalEvent = {
        ...base,
        occurredAt: at(occurredAt),
        type: 'template.status_changed',
        templateName: u.message_template_name,
        language: u.message_template_language,
        status: u.event,
        reason: u.reason && u.reason !== 'NONE' ? u.reason : undefined,
      };
      return { type: whatsappItemType(item), occurredAt, canonical };
    }
    case 'other':
      return { type: whatsappItemType(item), occurredAt: fromUnix(item.time), canonical: null };
  }
}
