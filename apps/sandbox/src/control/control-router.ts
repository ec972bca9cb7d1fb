import { Router } from 'express';
import { z } from 'zod';
import type { EmulatedApi } from '../apis/types';
import { faultRequestSchema } from '../faults/fault-rule';
import type { FaultStore } from '../faults/fault-store';
import type { RequestLog } from '../recorder/request-log';

export interface ControlDeps {
  apis: readonly EmulatedApi[];
  faults: FaultStore;
  requests: RequestLog;
  /** PEM of the certificate PayPal webhooks are signed with (loaded on first request). */
  paypalCertPem: () => string;
  reset: () => void;
  startedAt: string;
}

function issues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

/** `/__sandbox/*`: inspect requests and state, reset, manage faults, serve the PayPal certificate. */
export function controlRouter(deps: ControlDeps): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ ok: true, startedAt: deps.startedAt });
  });

  router.get('/requests', (req, res) => {
    const provider = typeof req.query.provider === 'string' ? req.query.provider : undefined;
    const path = typeof req.query.path === 'string' ? req.query.path : undefined;
    const requests = deps.requests.list({ ...(provider ? { provider } : {}), ...(path ? { path } : {}) });
    res.json({ count: requests.length, requests });
  });

  router.get('/state', (_req, res) => {
    res.json(Object.fromEntries(deps.apis.map((api) => [api.provider, api.snapshot()])));
  });

  // Status webhooks (WhatsApp, Twilio): how many are still owed (waiting or in flight) and how many were
  // delivered. Two equal readings with nothing pending mean no status webhook moved in between.
  router.get('/callbacks', (_req, res) => {
    const counts = deps.apis.map((api) => api.callbacks?.() ?? { pending: 0, delivered: 0 });
    res.json({ pending: counts.reduce((n, c) => n + c.pending, 0), delivered: counts.reduce((n, c) => n + c.delivered, 0) });
  });

  router.post('/reset', (_req, res) => {
    deps.reset();
    res.json({ ok: true });
  });

  router.get('/faults', (_req, res) => {
    res.json({ rules: deps.faults.list() });
  });

  router.post('/faults', (req, res) => {
    const parsed = faultRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return res.status(400).json({ error: 'invalid fault rules', issues: issues(parsed.error) });
    const rules = 'rules' in parsed.data ? deps.faults.add(parsed.data.rules, parsed.data.seed) : deps.faults.add([parsed.data]);
    res.status(201).json({ rules });
  });

  router.delete('/faults', (_req, res) => {
    deps.faults.clear();
    res.json({ ok: true });
  });

  router.delete('/faults/:id', (req, res) => {
    if (!deps.faults.remove(req.params.id)) return res.status(404).json({ error: `no fault ${req.params.id}` });
    res.json({ ok: true });
  });

  router.get('/paypal/cert.pem', (_req, res) => {
    res.type('application/x-pem-file').send(deps.paypalCertPem());
  });

  return router;
}
