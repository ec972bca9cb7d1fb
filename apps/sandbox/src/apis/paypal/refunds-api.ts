import { Router } from 'express';
import { ids } from '../../support/ids';
import { basicCredentials, bearerToken, send } from '../auth';
import { IdempotencyStore } from '../idempotency-store';
import { PaymentLedger } from '../payment-ledger';
import type { ApiDeps, EmulatedApi } from '../types';

const DAY = 86_400_000;
const API = 'https://api.sandbox.paypal.com';

/** PayPal OAuth token + `POST /v2/payments/captures/{id}/refund` with `PayPal-Request-Id`. */
export function createPaypalApi(deps: ApiDeps): EmulatedApi {
  const { rng, clock, config } = deps;
  const ledger = new PaymentLedger(config.SANDBOX_DEFAULT_CAPTURED_AMOUNT, 'USD');
  const idempotency = new IdempotencyStore(DAY, () => clock.now());
  const refunds: Array<Record<string, unknown>> = [];
  const router = Router();

  const unprocessable = (issue: string, description: string) => ({
    status: 422,
    headers: { 'paypal-debug-id': ids.paypalDebug(rng) },
    body: {
      name: 'UNPROCESSABLE_ENTITY',
      details: [{ issue, description }],
      message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
      debug_id: ids.paypalDebug(rng),
      links: [{ href: `https://developer.paypal.com/docs/api/payments/v2/#error-${issue}`, rel: 'information_link', method: 'GET' }],
    },
  });

  router.post('/v1/oauth2/token', (req, res) => {
    const creds = basicCredentials(req);
    if (!creds || creds.user !== config.SANDBOX_PAYPAL_CLIENT_ID || creds.password !== config.SANDBOX_PAYPAL_CLIENT_SECRET) {
      return send(res, { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } });
    }
    send(res, {
      status: 200,
      body: { scope: 'https://uri.paypal.com/services/payments/refund', access_token: config.SANDBOX_PAYPAL_TOKEN, token_type: 'Bearer', app_id: 'APP-80W284485P519543T', expires_in: 32_400, nonce: `${new Date(clock.now()).toISOString()}${ids.alnum(rng, 20)}` },
    });
  });

  router.post('/v2/payments/captures/:captureId/refund', (req, res) => {
    if (bearerToken(req) !== config.SANDBOX_PAYPAL_TOKEN) {
      return send(res, {
        status: 401,
        body: {
          name: 'AUTHENTICATION_FAILURE',
          message: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
          links: [{ href: 'https://developer.paypal.com/docs/api/overview/#error', rel: 'information_link' }],
        },
      });
    }
    const captureId = req.params.captureId ?? '';
    const params = (req.body ?? {}) as { amount?: { value?: string; currency_code?: string }; invoice_id?: string; note_to_payer?: string };
    const requestId = req.get('paypal-request-id');
    const representation = /return=representation/i.test(req.get('prefer') ?? '');
    if (requestId) {
      // PayPal replays the stored answer for a known PayPal-Request-Id whatever the body; only a
      // different capture under the same id is refused.
      const found = idempotency.lookup(requestId, { captureId });
      if (found.kind !== 'miss') return send(res, found.kind === 'replay' ? found.response : idempotencyStored(requestId));
    }
    const response = (() => {
      if (captureId.includes('missing')) {
        return { status: 404, body: { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist. Please check the resource ID and try again.' }], message: 'The specified resource does not exist.', debug_id: ids.paypalDebug(rng) } };
      }
      const capture = ledger.get(captureId);
      const remaining = capture.amount - capture.refunded;
      if (remaining <= 0) return unprocessable('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded');
      const amount = params.amount?.value === undefined ? remaining : Math.round(Number(params.amount.value) * 100);
      if (!Number.isFinite(amount) || amount <= 0) return unprocessable('INVALID_PARAMETER_VALUE', 'The value of a field is invalid.');
      if (amount > remaining) return unprocessable('REFUND_AMOUNT_EXCEEDED', 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.');
      const id = ids.paypalResource(rng);
      const now = new Date(clock.now()).toISOString();
      const money = (minor: number) => ({ currency_code: params.amount?.currency_code ?? capture.currency, value: (minor / 100).toFixed(2) });
      const refund = {
        id,
        amount: money(amount),
        ...(params.invoice_id ? { invoice_id: params.invoice_id } : {}),
        ...(params.note_to_payer ? { note_to_payer: params.note_to_payer } : {}),
        seller_payable_breakdown: { gross_amount: money(amount), paypal_fee: money(0), net_amount: money(amount), total_refunded_amount: money(capture.refunded + amount) },
        status: 'COMPLETED',
        create_time: now,
        update_time: now,
        links: [
          { href: `${API}/v2/payments/refunds/${id}`, rel: 'self', method: 'GET' },
          { href: `${API}/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' },
        ],
      };
      ledger.refund(captureId, id, amount);
      refunds.push({ ...refund, capture_id: captureId });
      return { status: 201, body: representation ? refund : { id, status: refund.status, links: refund.links } };
    })();
    if (requestId) idempotency.store(requestId, { captureId }, response);
    send(res, response);
  });

  function idempotencyStored(requestId: string) {
    return { status: 422, body: { name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'DUPLICATE_REQUEST_ID', description: `PayPal-Request-Id ${requestId} was used with a different request.` }], message: 'The requested action could not be performed, semantically incorrect, or failed business validation.', debug_id: ids.paypalDebug(rng) } };
  }

  return {
    provider: 'paypal',
    owns: (path) => path.startsWith('/v2/payments/') || path === '/v1/oauth2/token',
    router,
    snapshot: () => ({ captures: ledger.list(), refunds, requestIds: idempotency.keys() }),
    reset: () => {
      ledger.clear();
      idempotency.clear();
      refunds.length = 0;
    },
  };
}
