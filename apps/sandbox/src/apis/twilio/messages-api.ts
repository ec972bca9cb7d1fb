import { Router } from 'express';
import { ids } from '../../support/ids';
import { twilioRequest, twilioStatusParams, type TwilioStatus } from '../../webhooks/twilio';
import { basicCredentials, send } from '../auth';
import { CallbackScheduler } from '../callback-scheduler';
import type { ApiDeps, EmulatedApi } from '../types';

interface TwilioMessage extends Record<string, unknown> {
  sid: string;
  status: string;
  to: string;
  from: string;
}

/** To numbers ending in these digits fail like Twilio does for WhatsApp. */
export const TWILIO_MAGIC_SUFFIXES = {
  /** Accepted, then a `failed` callback with ErrorCode 63016 (outside the 24-hour window). */
  outsideWindow: '63016',
  /** Refused at once: 400 code 21211 invalid To. */
  invalidTo: '21211',
} as const;

function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Twilio `POST /2010-04-01/Accounts/{Sid}/Messages.json` (form, Basic AccountSid:AuthToken) + signed status callbacks. */
export function createTwilioApi(deps: ApiDeps): EmulatedApi {
  const { rng, clock, config, log } = deps;
  const callbacks = new CallbackScheduler(clock, deps.webhookSender, log);
  const messages = new Map<string, TwilioMessage>();
  const router = Router();

  const error = (status: number, code: number, message: string) => ({
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  });

  router.post('/2010-04-01/Accounts/:accountSid/Messages.json', (req, res) => {
    const creds = basicCredentials(req);
    const accountSid = req.params.accountSid ?? '';
    if (!creds || creds.user !== config.SANDBOX_TWILIO_ACCOUNT_SID || creds.password !== config.TWILIO_AUTH_TOKEN || creds.user !== accountSid) {
      res.set('www-authenticate', 'Basic realm="Twilio API"');
      return send(res, error(401, 20003, 'Authenticate'));
    }
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (!body.To) return send(res, error(400, 21604, "A 'To' phone number is required."));
    if (!body.From && !body.MessagingServiceSid) return send(res, error(400, 21603, "A 'From' phone number is required."));
    if (!body.Body && !body.ContentSid && !body.MediaUrl) return send(res, error(400, 21619, 'A text message body or media urls must be specified.'));
    const digits = body.To.replace(/\D/g, '');
    if (digits.length < 8 || digits.endsWith(TWILIO_MAGIC_SUFFIXES.invalidTo)) return send(res, error(400, 21211, `Invalid 'To' Phone Number: ${body.To}`));

    const sid = ids.twilio(rng, 'SM');
    const now = clock.now();
    const message: TwilioMessage = {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: body.Body ?? '',
      date_created: rfc2822(now),
      date_sent: null,
      date_updated: rfc2822(now),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: body.From ?? null,
      messaging_service_sid: body.MessagingServiceSid ?? null,
      num_media: body.MediaUrl ? '1' : '0',
      num_segments: '1',
      price: null,
      price_unit: null,
      sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to: body.To,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    } as TwilioMessage;
    messages.set(sid, message);
    if (config.SANDBOX_STATUS_CALLBACKS && body.StatusCallback) scheduleCallbacks(message, body.StatusCallback, digits.endsWith(TWILIO_MAGIC_SUFFIXES.outsideWindow));
    send(res, { status: 201, body: message });
  });

  function scheduleCallbacks(message: TwilioMessage, url: string, outsideWindow: boolean): void {
    const [sentDelay = 0, deliveredDelay = 0, readDelay = 0] = config.SANDBOX_STATUS_DELAYS_MS;
    const steps: Array<[TwilioStatus, number]> = outsideWindow
      ? [['failed', sentDelay]]
      : [['sent', sentDelay], ['delivered', deliveredDelay], ['read', readDelay]];
    const target = new URL(url);
    for (const [status, delay] of steps) {
      callbacks.schedule(delay, () => {
        message.status = status;
        if (outsideWindow) Object.assign(message, { error_code: 63016, error_message: 'Failed to send freeform message because you are outside the allowed window.' });
        const params = twilioStatusParams({
          accountSid: String(message.account_sid),
          messageSid: message.sid,
          from: String(message.from ?? message.messaging_service_sid),
          to: message.to,
          status,
          ...(outsideWindow ? { errorCode: 63016 } : {}),
        });
        return { url, request: twilioRequest(`status.${status}`, message.sid, params, `${target.pathname}${target.search}`, url, config.TWILIO_AUTH_TOKEN, clock.now()) };
      });
    }
  }

  return {
    provider: 'twilio',
    owns: (path) => path.startsWith('/2010-04-01/'),
    router,
    snapshot: () => ({ messages: [...messages.values()], statusCallbacks: callbacks.deliveries }),
    reset: () => {
      callbacks.reset();
      messages.clear();
    },
    close: () => callbacks.cancelAll(),
    callbacks: () => ({ pending: callbacks.pending, delivered: callbacks.delivered }),
  };
}
