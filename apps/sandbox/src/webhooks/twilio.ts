import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { ids } from '../support/ids';
import { RETRY_SCHEDULES } from './retry-schedules';
import { joinUrl, receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

const EVENTS = ['message', 'status.queued', 'status.sent', 'status.delivered', 'status.read', 'status.undelivered', 'status.failed'] as const;
export type TwilioStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'undelivered' | 'failed';

/** Twilio error codes reported on failed WhatsApp messages. */
export const TWILIO_STATUS_ERRORS = {
  63016: 'Failed to send freeform message because you are outside the allowed window. Please use a Template.',
  63024: 'Invalid message recipient',
  30008: 'Unknown error',
} as const;

export interface TwilioStatusInput {
  accountSid: string;
  messageSid: string;
  from: string;
  to: string;
  status: TwilioStatus;
  errorCode?: number;
}

/** Parameters of a status callback for a WhatsApp message, as Twilio posts them. */
export function twilioStatusParams(input: TwilioStatusInput): Record<string, string> {
  const params: Record<string, string> = {
    ChannelPrefix: 'whatsapp',
    ApiVersion: '2010-04-01',
    MessageStatus: input.status,
    SmsSid: input.messageSid,
    SmsStatus: input.status,
    ChannelInstallSid: 'XE00000000000000000000000000000000',
    To: input.to,
    From: input.from,
    MessageSid: input.messageSid,
    StructuredMessage: 'false',
    AccountSid: input.accountSid,
    ChannelToAddress: input.to.replace(/^whatsapp:\+?/, '+'),
  };
  if (input.errorCode !== undefined) {
    params.ErrorCode = String(input.errorCode);
    params.ErrorMessage = TWILIO_STATUS_ERRORS[input.errorCode as keyof typeof TWILIO_STATUS_ERRORS] ?? 'Unknown error';
  }
  return params;
}

function inboundParams(ctx: BuildContext): Record<string, string> {
  const { subject: s, rng } = ctx;
  const sid = ids.twilio(rng, 'SM');
  return {
    SmsMessageSid: sid,
    NumMedia: '0',
    ProfileName: s.name,
    MessageType: 'text',
    SmsSid: sid,
    WaId: s.phone,
    SmsStatus: 'received',
    Body: 'Hi! Where is my order?',
    To: `whatsapp:${s.twilio.from}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: sid,
    AccountSid: ctx.secrets.twilioAccountSid,
    From: `whatsapp:+${s.phone}`,
    ApiVersion: '2010-04-01',
  };
}

/** `X-Twilio-Signature`: base64 HMAC-SHA1(auth token, URL + sorted key/value pairs). */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  return getExpectedTwilioSignature(authToken, url, params);
}

/** A form-encoded, signed Twilio request to `url` (the signature covers the full URL). */
export function twilioRequest(event: string, eventId: string, params: Record<string, string>, path: string, signedUrl: string, authToken: string, occurredAt: number): WebhookRequest {
  return {
    provider: 'twilio',
    event,
    eventId,
    eventIds: [eventId],
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      'i-twilio-idempotency-token': `${eventId}-${params.MessageStatus ?? params.SmsStatus ?? 'received'}`,
      'x-twilio-signature': signTwilio(authToken, signedUrl, params),
    },
    body: new URLSearchParams(params).toString(),
    occurredAt,
  };
}

export function buildTwilio(event: string, ctx: BuildContext): WebhookRequest {
  if (!(EVENTS as readonly string[]).includes(event)) throw new UnknownEventError('twilio', event, EVENTS);
  const { subject: s } = ctx;
  const params =
    event === 'message'
      ? inboundParams(ctx)
      : twilioStatusParams({
          accountSid: ctx.secrets.twilioAccountSid,
          messageSid: s.twilio.messageSid,
          from: `whatsapp:${s.twilio.from}`,
          to: `whatsapp:+${s.phone}`,
          status: event.slice('status.'.length) as TwilioStatus,
          ...(event === 'status.failed' || event === 'status.undelivered' ? { errorCode: 63016 } : {}),
        });
  const path = receiverPath('twilio', ctx);
  const signedUrl = joinUrl(ctx.publicBaseUrl ?? ctx.to, path);
  return twilioRequest(event, params.MessageSid ?? '', params, path, signedUrl, ctx.secrets.twilioAuthToken, ctx.now);
}

export const twilioWebhooks: ProviderWebhooks = {
  provider: 'twilio',
  events: EVENTS,
  build: buildTwilio,
  sequence: ['message', 'status.queued', 'status.sent', 'status.delivered', 'status.read'],
  retrySchedule: RETRY_SCHEDULES.twilio,
};
