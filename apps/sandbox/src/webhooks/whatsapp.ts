import { createHmac } from 'node:crypto';
import { ids } from '../support/ids';
import { unix } from './json';
import { RETRY_SCHEDULES } from './retry-schedules';
import { receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

const EVENTS = ['message', 'status.sent', 'status.delivered', 'status.read', 'status.failed', 'message_template_status_update', 'batch'] as const;

export type WhatsappStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface WhatsappError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
}

/** The asynchronous failures Meta reports in status webhooks. */
export const WHATSAPP_STATUS_ERRORS = {
  131047: {
    code: 131047,
    title: 'Re-engagement message',
    message: 'Re-engagement message',
    error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  },
  131026: {
    code: 131026,
    title: 'Message undeliverable',
    message: 'Message undeliverable',
    error_data: { details: 'Message Undeliverable.' },
  },
} as const satisfies Record<number, WhatsappError>;

interface Change {
  field: string;
  value: Record<string, unknown>;
  ids: string[];
}

export interface StatusInput {
  messageId: string;
  recipientId: string;
  status: WhatsappStatus;
  timestampMs: number;
  errors?: readonly WhatsappError[];
  category?: 'marketing' | 'utility' | 'authentication' | 'service';
  /** The send request's `biz_opaque_callback_data`, echoed in every status of the message. */
  bizOpaqueCallbackData?: string;
}

function metadata(ctx: BuildContext) {
  return { display_phone_number: ctx.subject.whatsapp.displayPhoneNumber, phone_number_id: ctx.subject.whatsapp.phoneNumberId };
}

export function statusEntry(input: StatusInput, conversationId: string): Record<string, unknown> {
  const category = input.category ?? 'utility';
  const base: Record<string, unknown> = {
    id: input.messageId,
    status: input.status,
    timestamp: String(unix(input.timestampMs)),
    recipient_id: input.recipientId,
    ...(input.bizOpaqueCallbackData !== undefined ? { biz_opaque_callback_data: input.bizOpaqueCallbackData } : {}),
  };
  if (input.status === 'failed') return { ...base, errors: input.errors ?? [WHATSAPP_STATUS_ERRORS[131026]] };
  return {
    ...base,
    conversation: { id: conversationId, ...(input.status === 'sent' ? { expiration_timestamp: String(unix(input.timestampMs) + 86_400) } : {}), origin: { type: category } },
    pricing: { billable: true, pricing_model: 'PMP', category, type: 'regular' },
  };
}

function statusChange(ctx: BuildContext, status: WhatsappStatus, at: number, errorCode?: 131047 | 131026): Change {
  const { subject: s } = ctx;
  const messageId = s.whatsapp.outboundMessageId;
  const input: StatusInput = {
    messageId,
    recipientId: s.phone,
    status,
    timestampMs: at,
    ...(errorCode ? { errors: [WHATSAPP_STATUS_ERRORS[errorCode]] } : {}),
  };
  return {
    field: 'messages',
    value: { messaging_product: 'whatsapp', metadata: metadata(ctx), statuses: [statusEntry(input, ids.hex(ctx.rng, 32))] },
    ids: [`${messageId}:${status}`],
  };
}

function messageChange(ctx: BuildContext, at: number, text: string): Change {
  const { subject: s } = ctx;
  const id = ids.wamid(ctx.rng, s.phone);
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(ctx),
      contacts: [{ profile: { name: s.name }, wa_id: s.phone }],
      messages: [{ from: s.phone, id, timestamp: String(unix(at)), type: 'text', text: { body: text } }],
    },
    ids: [id],
  };
}

function templateChange(ctx: BuildContext): Change {
  const templateId = Number(ids.digits(ctx.rng, 16));
  return {
    field: 'message_template_status_update',
    value: { event: 'APPROVED', message_template_id: templateId, message_template_name: 'order_update', message_template_language: 'en_US', reason: 'NONE' },
    ids: [`${templateId}:APPROVED`],
  };
}

function changesFor(event: string, ctx: BuildContext): Change[] {
  const at = ctx.now;
  switch (event) {
    case 'message':
      return [messageChange(ctx, at, ctx.text ?? 'Hi! Where is my order?')];
    case 'status.sent':
    case 'status.delivered':
    case 'status.read':
      return [statusChange(ctx, event.slice('status.'.length) as WhatsappStatus, at)];
    case 'status.failed':
      return [statusChange(ctx, 'failed', at, 131047)];
    case 'message_template_status_update':
      return [templateChange(ctx)];
    case 'batch': {
      // Meta batches unrelated updates together; the mix walks one conversation forward.
      const cycle: Array<(t: number) => Change> = [
        (t) => messageChange(ctx, t, 'Hi! Where is my order?'),
        (t) => statusChange(ctx, 'sent', t),
        (t) => statusChange(ctx, 'delivered', t),
        (t) => statusChange(ctx, 'read', t),
      ];
      const size = Math.max(1, Math.min(ctx.batchSize, 1000));
      return Array.from({ length: size }, (_, i) => (cycle[i % cycle.length] as (t: number) => Change)(at - (size - 1 - i) * 1000));
    }
    default:
      throw new UnknownEventError('whatsapp', event, EVENTS);
  }
}

/** Meta: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. */
export function signWhatsapp(body: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

export interface EnvelopeOptions {
  wabaId: string;
  appSecret: string;
  now: number;
  path: string;
}

/** Wraps changes in Meta's envelope and signs it. Used by the trigger and by the Cloud API emulator. */
export function whatsappRequest(event: string, changes: ReadonlyArray<Pick<Change, 'field' | 'value' | 'ids'>>, opts: EnvelopeOptions): WebhookRequest {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: opts.wabaId,
        ...(changes.some((c) => c.field !== 'messages') ? { time: unix(opts.now) } : {}),
        changes: changes.map(({ field, value }) => ({ value, field })),
      },
    ],
  });
  const eventIds = changes.flatMap((c) => c.ids);
  return {
    provider: 'whatsapp',
    event,
    eventId: eventIds[0] ?? '',
    eventIds,
    method: 'POST',
    path: opts.path,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      'x-hub-signature-256': signWhatsapp(body, opts.appSecret),
    },
    body,
    occurredAt: opts.now,
  };
}

export function buildWhatsapp(event: string, ctx: BuildContext): WebhookRequest {
  return whatsappRequest(event, changesFor(event, ctx), {
    wabaId: ctx.subject.whatsapp.wabaId,
    appSecret: ctx.secrets.whatsappAppSecret,
    now: ctx.now,
    path: receiverPath('whatsapp', ctx),
  });
}

export const whatsappWebhooks: ProviderWebhooks = {
  provider: 'whatsapp',
  events: EVENTS,
  build: buildWhatsapp,
  sequence: ['message', 'status.sent', 'status.delivered', 'status.read'],
  retrySchedule: RETRY_SCHEDULES.whatsapp,
};
