import { outboundLimit, type ClientOptions } from '../client-options';
import { createProviderHttp } from '../provider-http';

export interface NotifierMessage extends Record<string, unknown> {
  text: string;
}

export interface Notifier {
  /** JSON POST; any 2xx is success. The URL is treated as a secret (Slack's webhook path is the credential) and never appears in errors. */
  post(url: string, message: NotifierMessage): Promise<void>;
}

/** Slack-compatible incoming webhooks, or any HTTP endpoint that takes a JSON POST. */
export function createNotifier(options: ClientOptions = {}): Notifier {
  const http = createProviderHttp({
    provider: 'notifier',
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    rateLimit: outboundLimit(options, { key: 'notifier:default', limit: 1, windowMs: 1_000 }),
  });
  return {
    async post(url, message) {
      await http.post(url, message, { headers: { 'content-type': 'application/json' }, responseType: 'text' });
    },
  };
}
