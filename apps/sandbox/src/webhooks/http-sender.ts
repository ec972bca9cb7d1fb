import type { WebhookSender } from '../apis/types';
import { networkErrorReason } from './network-error';

/** POSTs a webhook once to a full URL; the sandbox's status callbacks use it. */
export function httpWebhookSender(timeoutMs = 10_000): WebhookSender {
  return async (url, request) => {
    try {
      const response = await fetch(url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      return { status: response.status };
    } catch (error) {
      return { status: null, error: networkErrorReason(error) };
    }
  };
}
