import { PermanentError } from '@switchyard/errors';
import type { OutboundClients } from '@switchyard/outbound';
import type { Performer } from '@switchyard/worker-runtime';

/**
 * Refunds at the gateway with its idempotency key (Stripe `Idempotency-Key`, Razorpay
 * `X-Refund-Idempotency`, PayPal `PayPal-Request-Id`), taken from the ledger: a job that runs
 * again after a crash sends the same key and gets the same refund back.
 */
export function refundPerformer(clients: OutboundClients): Performer<'payment.refund'> {
  return {
    mode: 'idempotent',
    async perform(effect) {
      const r = effect.request;
      switch (r.provider) {
        case 'stripe': {
          const out = await clients.stripe(r.connection).refund({ paymentIntent: r.paymentId, ...(r.amount ? { amount: r.amount } : {}), idempotencyKey: effect.idempotencyKey });
          return { providerRef: out.refundId, response: out };
        }
        case 'razorpay': {
          const out = await clients.razorpay(r.connection).refund({ paymentId: r.paymentId, ...(r.amount ? { amount: r.amount } : {}), idempotencyKey: effect.idempotencyKey });
          return { providerRef: out.refundId, response: out };
        }
        case 'paypal': {
          const amount = r.amount ? { amount: (r.amount / 100).toFixed(2), currency: (r.currency ?? 'usd').toUpperCase() } : {};
          const out = await clients.paypal(r.connection).refund({ captureId: r.paymentId, ...amount, requestId: effect.idempotencyKey });
          return { providerRef: out.refundId, response: out };
        }
        default:
          throw new PermanentError(`refunds are not supported for ${String((r as { provider: unknown }).provider)}`, 'REFUND_PROVIDER_UNSUPPORTED');
      }
    },
  };
}
