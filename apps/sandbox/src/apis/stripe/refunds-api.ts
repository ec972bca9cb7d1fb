import { Router, type Request } from 'express';
import { ids } from '../../support/ids';
import { basicCredentials, bearerToken, send } from '../auth';
import { providerError } from '../error-bodies';
import { IdempotencyStore, type StoredResponse } from '../idempotency-store';
import { PaymentLedger } from '../payment-ledger';
import type { ApiDeps, EmulatedApi } from '../types';

const DAY = 86_400_000;

function apiKey(req: Request): string | undefined {
  return bearerToken(req) ?? basicCredentials(req)?.user;
}

/** Stripe `POST /v1/refunds` with real Idempotency-Key semantics (kept 24 h). */
export function createStripeApi(deps: ApiDeps): EmulatedApi {
  const { rng, clock, config } = deps;
  const ledger = new PaymentLedger(config.SANDBOX_DEFAULT_CAPTURED_AMOUNT, 'usd');
  const idempotency = new IdempotencyStore(DAY, () => clock.now());
  const refunds: Array<Record<string, unknown>> = [];
  const router = Router();

  router.use('/v1/refunds', (req, res, next) => {
    const key = apiKey(req);
    if (!key) {
      return send(res, providerError('stripe', 401, rng, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."));
    }
    if (key !== config.SANDBOX_STRIPE_API_KEY) {
      return send(res, providerError('stripe', 401, rng, `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`));
    }
    next();
  });

  function createRefund(params: Record<string, unknown>): StoredResponse {
    const target = (params.payment_intent ?? params.charge) as string | undefined;
    if (!target) return { status: 400, body: { error: { type: 'invalid_request_error', message: 'One of the following params should be provided for this request: payment_intent or charge.' } } };
    if (target.includes('missing')) {
      const param = params.payment_intent ? 'payment_intent' : 'charge';
      return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${param}: '${target}'` } } };
    }
    const payment = ledger.get(target);
    const remaining = payment.amount - payment.refunded;
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (remaining <= 0) return { status: 400, body: { error: { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Charge ${target} has already been refunded.` } } };
    if (!Number.isInteger(amount) || amount <= 0) return { status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'amount', message: 'Invalid positive integer' } } };
    if (amount > remaining) {
      return { status: 400, body: { error: { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount', message: `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})` } } };
    }
    const refund = {
      id: `re_${ids.stripe(rng, '').slice(1)}`,
      object: 'refund',
      amount,
      balance_transaction: `txn_${ids.stripe(rng, '').slice(1)}`,
      charge: params.charge ?? `ch_${ids.stripe(rng, '').slice(1)}`,
      created: Math.floor(clock.now() / 1000),
      currency: payment.currency,
      destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
      metadata: params.metadata ?? {},
      payment_intent: params.payment_intent ?? null,
      reason: params.reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    ledger.refund(target, refund.id, amount);
    refunds.push(refund);
    return { status: 200, body: refund };
  }

  router.post('/v1/refunds', (req, res) => {
    const params = (req.body ?? {}) as Record<string, unknown>;
    const key = req.get('idempotency-key');
    res.set('request-id', `req_${ids.alnum(rng, 14)}`);
    if (key !== undefined) {
      if (key.length > 255) return send(res, { status: 400, body: { error: { type: 'invalid_request_error', message: 'Idempotency-Key must be at most 255 characters long.' } } });
      const found = idempotency.lookup(key, params);
      if (found.kind === 'mismatch') {
        return send(res, {
          status: 400,
          body: { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } },
        });
      }
      if (found.kind === 'replay') {
        res.set({ 'idempotency-key': key, 'idempotent-replayed': 'true' });
        return send(res, found.response);
      }
    }
    const response = createRefund(params);
    if (key !== undefined) {
      idempotency.store(key, params, response);
      res.set({ 'idempotency-key': key, 'original-request': res.get('request-id') ?? '' });
    }
    send(res, response);
  });

  return {
    provider: 'stripe',
    owns: (path) => path === '/v1/refunds' || path.startsWith('/v1/refunds/'),
    router,
    snapshot: () => ({ payments: ledger.list(), refunds, idempotencyKeys: idempotency.keys() }),
    reset: () => {
      ledger.clear();
      idempotency.clear();
      refunds.length = 0;
    },
  };
}
