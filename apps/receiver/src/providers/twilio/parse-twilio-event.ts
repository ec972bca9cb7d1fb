import type { CanonicalEvent, MessageStatus } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';

/** Twilio's message states, reduced to ours; `receiving`/`received` belong to inbound messages. */
const statusMap: Record<string, MessageStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

const stripChannel = (address: string | undefined) => address?.replace(/^whatsapp:/, '');

/** A status callback carries MessageStatus; an inbound message has a Body (and SmsStatus=received). */
export function isStatusCallback(p: Record<string, string>): boolean {
  return p.MessageStatus !== undefined && p.MessageStatus !== 'received' && p.MessageStatus !== 'receiving';
}

export function messageSidOf(p: Record<string, string>): string | undefined {
  return p.MessageSid ?? p.SmsMessageSid ?? p.SmsSid;
}

/** The dedup key: a message's sid, plus the status for callbacks (one message has many). */
export function identifyTwilioEvent(p: Record<string, string>): string {
  const sid = messageSidOf(p);
  if (!sid) return '';
  return isStatusCallback(p) ? `${sid}:${p.MessageStatus}` : sid;
}

/** What we store a Twilio request as: `status.<MessageStatus>` for callbacks, else `message`. */
export function twilioEventType(p: Record<string, string>): string {
  return isStatusCallback(p) ? `status.${p.MessageStatus ?? ''}` : 'message';
}

/**
 * Twilio sends no event time, so `occurredAt` is null (the row's receivedAt is the best we have)
 * and the canonical event carries the time we parsed it.
 */
export function parseTwilioEvent(p: Record<string, string>, ctx: ParseContext): ParsedEvent {
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId, occurredAt: new Date().toISOString() };
  const messageId = messageSidOf(p) ?? ctx.providerEventId;
  if (isStatusCallback(p)) {
    const raw = p.MessageStatus ?? '';
    const status = statusMap[raw];
    const canonical: CanonicalEvent | null = status
      ? { ...base, type: 'message.status_changed', channel: 'twilio', messageId, recipient: stripChannel(p.To), status, errorCode: p.ErrorCode || undefined, errorMessage: p.ErrorMessage || undefined }
      : null;
    return { type: twilioEventType(p), occurredAt: null, canonical };
  }
  if (p.Body !== undefined || p.SmsStatus === 'received' || Number(p.NumMedia ?? 0) > 0) {
    const from = stripChannel(p.From);
    if (!from) throw new Error('inbound message has no From');
    const canonical: CanonicalEvent = {
      ...base,
      type: 'message.received',
      channel: 'twilio',
      messageId,
      from,
      to: stripChannel(p.To),
      text: p.Body,
      messageType: p.MessageType ?? (Number(p.NumMedia ?? 0) > 0 ? 'media' : 'text'),
      profileName: p.ProfileName,
    };
    return { type: 'message', occurredAt: null, canonical };
  }
  return { type: 'unknown', occurredAt: null, canonical: null };
}
