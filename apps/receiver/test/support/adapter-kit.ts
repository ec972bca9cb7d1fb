import type { InboundRequest } from '../../src/providers/provider-adapter';
import { WebhookRejection } from '../../src/providers/webhook-rejection';

/** A delivery as the receiver hands it to an adapter; `provider` names the webhook path. */
export function inboundRequest(provider: string, body: string, headers: Record<string, string | undefined> = {}, query: Record<string, string | undefined> = {}): InboundRequest {
  return {
    method: 'POST',
    originalUrl: `/webhooks/${provider}`,
    publicUrl: `https://hooks.example.com/webhooks/${provider}`,
    headers,
    query,
    rawBody: Buffer.from(body),
  };
}

/** The WebhookRejection `fn` throws; anything else (or nothing) fails the test. */
export function rejectionOf(fn: () => unknown): WebhookRejection {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookRejection) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** The same for async work: a promise, or a function returning one. */
export async function asyncRejectionOf(work: unknown): Promise<WebhookRejection> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    if (err instanceof WebhookRejection) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/**
 * Runs an adapter's `verify` that is synchronous (every provider but PayPal): the contract allows a
 * promise, and a test that ignored one would pass with its rejection lost, so a promise fails here.
 */
export function verifyNow<C>(adapter: { provider?: string; verify(request: InboundRequest, connection: C, now: Date): void | Promise<void> }, request: InboundRequest, connection: C, now: Date): void {
  const result = adapter.verify(request, connection, now);
  if (result instanceof Promise) {
    result.catch(() => undefined); // the error below is the failure to report
    throw new Error(`${adapter.provider ?? 'this adapter'}'s verify returned a promise: await it instead`);
  }
}
