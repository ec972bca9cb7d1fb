import { outboundLimit, type ClientOptions } from '../client-options';
import { createProviderHttp, permitConfig } from '../provider-http';
import { unexpectedResponse } from '../unexpected-response';

export interface TwilioConfig {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender, e.g. `whatsapp:+14155238886`. */
  from: string;
}

export interface TwilioMessage {
  /** Recipient, e.g. `whatsapp:+15551234567`. */
  to: string;
  body: string;
  /** Where Twilio posts this message's status callbacks. */
  statusCallback?: string;
  /** The caller already took this send's outbound permit (`takePermit`). */
  permitTaken?: boolean;
}

export interface TwilioClient {
  sendMessage(message: TwilioMessage): Promise<{ sid: string; status: string }>;
  /** Takes one permit of the account's outbound limit now, for a send made later with `permitTaken`. */
  takePermit(): Promise<void>;
}

/** Twilio Messages API: form-encoded `POST /2010-04-01/Accounts/{Sid}/Messages.json`, Basic AccountSid:AuthToken. No idempotency key: dedupe on our side. */
export function createTwilioClient(config: TwilioConfig, options: ClientOptions = {}): TwilioClient {
  const http = createProviderHttp({
    provider: 'twilio',
    baseURL: config.baseUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    auth: { type: 'basic', username: config.accountSid, password: config.authToken },
    rateLimit: outboundLimit(options, { key: `twilio:${config.accountSid}` }),
  });
  const path = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;

  return {
    async sendMessage({ to, body, statusCallback, permitTaken }) {
      const form = new URLSearchParams({ To: to, From: config.from, Body: body, ...(statusCallback ? { StatusCallback: statusCallback } : {}) });
      const { data } = await http.post<{ sid?: string; status?: string }>(path, form.toString(), permitConfig(permitTaken, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      if (!data?.sid) throw unexpectedResponse('twilio', 'sid');
      return { sid: data.sid, status: data.status ?? 'queued' };
    },
    takePermit: () => http.takePermit(),
  };
}
