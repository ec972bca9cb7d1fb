import { Router } from 'express';
import { ids } from '../../support/ids';
import { basicCredentials, send } from '../auth';
import { providerError } from '../error-bodies';
import { IdempotencyStore } from '../idempotency-store';
import { PaymentLedger } from '../payment-ledger';
import type { ApiDeps, EmulatedApi } from '../types';

const DAY = 86_400_000;

function badRequest(description: string, field?: string, reason = 'input_validation_failed') {
  return {
    status: 400,
    body: { error: { code: 'BAD_REQUEST_ERROR', description, source: 'business', step: 'payment_initiation', reason, metadata: {}, ...(field ? { field } : {}) } },
  };
}

/** Razorpay `POST /v1/payments/{id}/refund` (Basic key_id:key_secret) with `X-Refund-Idempotency`. */
export function createRazorpayApi(deps: ApiDeps): EmulatedApi {
  const { rng, clock, config } = deps;
  const ledger = new PaymentLedger(config.SANDBOX_DEFAULT_CAPTURED_AMOUNT, 'INR');
  const idempotency = new IdempotencyStore(DAY, () => clock.now());
  const refunds: Array<Record<string, unknown>> = [];
  const router = Router();

  router.post('/v1/payments/:paymentId/refund', (req, res) => {
    const creds = basicCredentials(req);
    if (!creds || creds.user !== config.SANDBOX_RAZORPAY_KEY_ID || creds.password !== config.SANDBOX_RAZORPAY_KEY_SECRET) {
      return send(res, providerError('razorpay', 401, rng, 'The api key provided is invalid'));
    }
    const paymentId = req.params.paymentId ?? '';
    const params = (req.body ?? {}) as Record<string, unknown>;
    const key = req.get('x-refund-idempotency');
    if (key !== undefined) {
      if (key.length < 10) return send(res, badRequest('X-Refund-Idempotency must be at least 10 characters long'));
      const found = idempotency.lookup(key, { paymentId, params });
      if (found.kind === 'mismatch') return send(res, badRequest('Different request body sent for the same Idempotency Header', undefined, 'NA'));
      if (found.kind === 'replay') return send(res, found.response);
    }
    const response = (() => {
      if (!paymentId.startsWith('pay_') || paymentId.includes('missing')) return badRequest('The id provided does not exist', undefined, 'NA');
      const payment = ledger.get(paymentId);
      const remaining = payment.amount - payment.refunded;
      const amount = params.amount === undefined ? remaining : Number(params.amount);
      if (remaining <= 0) return badRequest('The payment has been fully refunded already');
      if (!Number.isInteger(amount) || amount < 100) return badRequest('The amount must be atleast INR 1.00', 'amount');
      if (amount > remaining) return badRequest('The refund amount provided is greater than amount captured', 'amount');
      const refund = {
        id: ids.razorpay(rng, 'rfnd'),
        entity: 'refund',
        amount,
        currency: payment.currency,
        payment_id: paymentId,
        notes: params.notes ?? [],
        receipt: params.receipt ?? null,
        acquirer_data: { arn: null },
        created_at: Math.floor(clock.now() / 1000),
        batch_id: null,
        status: 'processed',
        speed_processed: 'normal',
        speed_requested: params.speed ?? 'normal',
      };
      ledger.refund(paymentId, refund.id, amount);
      refunds.push(refund);
      return { status: 200, body: refund };
    })();
    if (key !== undefined) idempotency.store(key, { paymentId, params }, response);
    send(res, response);
  });

  return {
    provider: 'razorpay',
    owns: (path) => path.startsWith('/v1/payments/'),
    router,
    snapshot: () => ({ payments: ledger.list(), refunds, idempotencyKeys: idempotency.keys() }),
    reset: () => {
      ledger.clear();
      idempotency.clear();
      refunds.length = 0;
    },
  };
}
