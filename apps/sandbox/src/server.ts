import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import { send } from './apis/auth';
import { providerError } from './apis/error-bodies';
import { createHubspotApi } from './apis/hubspot/crm-api';
import { createPaypalApi } from './apis/paypal/refunds-api';
import { createPipedriveApi } from './apis/pipedrive/pipedrive-api';
import { createRazorpayApi } from './apis/razorpay/refunds-api';
import { createSalesforceApi } from './apis/salesforce/salesforce-api';
import { createSlackApi } from './apis/slack/incoming-webhook-api';
import { createStripeApi } from './apis/stripe/refunds-api';
import { createTwilioApi } from './apis/twilio/messages-api';
import type { ApiDeps, ApiProvider, EmulatedApi } from './apis/types';
import { createWhatsappApi } from './apis/whatsapp/cloud-api';
import { controlRouter } from './control/control-router';
import { faultMiddleware } from './faults/fault-middleware';
import { FaultStore } from './faults/fault-store';
import { recordMiddleware } from './recorder/record-middleware';
import { RequestLog } from './recorder/request-log';
import { silentLog } from './support/log';
import { loadPaypalKeyMaterial } from './webhooks/paypal-key';

export type ServerDeps = Omit<ApiDeps, 'log'> & Partial<Pick<ApiDeps, 'log'>>;

export interface SandboxServer {
  app: Express;
  /** Clears recorded requests, provider state, pending callbacks and faults. */
  reset(): void;
  /** Cancels timers and ends hung responses; call before closing the HTTP server. */
  close(): void;
}

/** The sandbox HTTP app: every emulated API behind the recorder and the fault injector, plus `/__sandbox`. */
export function createServer(deps: ServerDeps): SandboxServer {
  const apiDeps: ApiDeps = { ...deps, log: deps.log ?? silentLog };
  const apis: EmulatedApi[] = [
    createWhatsappApi(apiDeps),
    createTwilioApi(apiDeps),
    createHubspotApi(apiDeps),
    createPipedriveApi(apiDeps),
    createSalesforceApi(apiDeps),
    createStripeApi(apiDeps),
    createRazorpayApi(apiDeps),
    createPaypalApi(apiDeps),
    createSlackApi(apiDeps),
  ];
  const faults = new FaultStore(deps.config.SANDBOX_SEED);
  const requests = new RequestLog();
  const hung = new Set<Response>();
  const endHung = () => {
    for (const res of hung) res.socket?.destroy();
    hung.clear();
  };
  const reset = () => {
    requests.clear();
    faults.clear();
    endHung();
    for (const api of apis) api.reset();
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '5mb', type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: true, limit: '5mb' }));
  app.use(express.text({ type: ['text/*', 'application/xml'], limit: '5mb' }));

  app.use(
    '/__sandbox',
    controlRouter({
      apis,
      faults,
      requests,
      paypalCertPem: () => loadPaypalKeyMaterial(deps.config.SANDBOX_PAYPAL_KEY_DIR || undefined).certPem,
      reset,
      startedAt: new Date(deps.clock.now()).toISOString(),
    }),
  );

  app.use((req, res, next) => {
    res.locals.provider = apis.find((api) => api.owns(req.path))?.provider;
    next();
  });
  app.use(recordMiddleware(requests, deps.clock));
  app.use(faultMiddleware({ store: faults, clock: deps.clock, rng: deps.rng, hung }));
  for (const api of apis) app.use(api.router);

  app.use((req, res) => {
    const provider = res.locals.provider as ApiProvider | undefined;
    if (provider) return send(res, { status: 404, body: providerError(provider, 404, deps.rng, `Unknown endpoint ${req.method} ${req.path}`).body });
    res.status(404).json({ error: `the sandbox does not emulate ${req.method} ${req.path}` });
  });

  const onError: ErrorRequestHandler = (error: { status?: number; type?: string; message?: string }, _req, res, _next) => {
    const provider = (res.locals.provider as ApiProvider | undefined) ?? 'stripe';
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) apiDeps.log.error('sandbox route failed', { error: String(error.message ?? error) });
    send(res, providerError(provider, status, deps.rng, status === 400 ? `Could not parse the request body: ${error.message}` : undefined));
  };
  app.use(onError);

  return {
    app,
    reset,
    close: () => {
      endHung();
      for (const api of apis) api.close?.();
    },
  };
}
