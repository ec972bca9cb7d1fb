import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isDatabaseUnavailable, type Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { safeHeaders } from '@switchyard/logger';
import type { Redis } from '@switchyard/queues';
import type { Settings } from '@switchyard/settings';
import type { ReceiverMetrics } from '../http/metrics';
import { FormRejection } from './form-rejection';
import { takeFormRateLimit } from './form-rate-limit';
import { readFormBody } from './read-form-body';
import { FORM_PROVIDER, submitLead } from './submit-lead';
import { validateSubmission } from './validate-submission';
import { verifyFormSecret } from './verify-form-secret';

export interface FormRouteDeps {
  database: Database;
  redis: Redis;
  forms: Settings['forms'];
  formBodyLimitBytes: number;
  logger: Logger;
  metrics: ReceiverMetrics;
  onStored: () => void;
  now: () => Date;
}

const formIdOf = (req: Request) => String(req.params.formId ?? '');

function headersOf(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** `POST /forms/:formId`: a lead form submission, validated, rate-limited and stored like a webhook. */
export function formRoutes(deps: FormRouteDeps): Router {
  const router = express.Router();
  // Own keys only: a form id such as "constructor" must not find Object.prototype's.
  const formOf = (formId: string) => (Object.hasOwn(deps.forms, formId) ? deps.forms[formId] : undefined);
  const raw = express.raw({ type: () => true, limit: deps.formBodyLimitBytes });

  const reject = (req: Request, res: Response, rejection: FormRejection) => {
    deps.metrics.rejected.inc({ provider: FORM_PROVIDER, reason: rejection.reason });
    deps.logger.warn('form submission rejected', { formId: formIdOf(req), reason: rejection.reason, status: rejection.status, error: rejection.message, fields: rejection.extra.fields });
    if (rejection.extra.retryAfterSeconds !== undefined) res.set('Retry-After', String(rejection.extra.retryAfterSeconds));
    res.status(rejection.status).json({ error: rejection.reason, message: rejection.message, ...(rejection.extra.fields ? { fields: rejection.extra.fields } : {}) });
  };

  // Unknown forms and clients over their limit are refused before the body is read.
  const admit = async (req: Request, res: Response, next: NextFunction) => {
    const formId = formIdOf(req);
    deps.metrics.received.inc({ provider: FORM_PROVIDER });
    const form = formOf(formId);
    if (!form) return reject(req, res, new FormRejection('unknown_form', `no form "${formId}" is configured`));
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const decision = await takeFormRateLimit(deps.redis, { formId, ip }, form.rateLimitPerMinute, deps.now());
    if (!decision) deps.logger.warn('form rate limit unavailable (Redis did not answer); letting the submission through', { formId });
    else if (!decision.allowed)
      return reject(req, res, new FormRejection('rate_limited', `more than ${form.rateLimitPerMinute} submissions of form "${formId}" per minute from this address; retry in ${decision.retryAfterSeconds} s`, { retryAfterSeconds: decision.retryAfterSeconds }));
    next();
  };

  router.post('/forms/:formId', admit, raw, async (req, res) => {
    const formId = formIdOf(req);
    // admit() has refused unknown forms already; looked up again here so the type says it exists.
    const form = formOf(formId);
    if (!form) return reject(req, res, new FormRejection('unknown_form', `no form "${formId}" is configured`));
    try {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers = headersOf(req);
      if (form.secret !== undefined) verifyFormSecret(headers, rawBody, form.secret);
      const idempotencyKey = headers['idempotency-key']?.trim();
      if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) throw new FormRejection('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 characters');
      const submitted = readFormBody(headers['content-type'], rawBody);
      const checked = validateSubmission(form, submitted);
      if (!checked.ok) {
        const list = checked.problems.map((p) => `${p.field} (${p.problem})`).join(', ');
        throw new FormRejection('invalid_form', `${checked.problems.length} invalid field${checked.problems.length === 1 ? '' : 's'}: ${list}`, { fields: checked.problems });
      }
      const recorded = await submitLead(deps.database, { formId, form, values: checked.values, submitted, rawBody, idempotencyKey, headers: safeHeaders(headers), receivedAt: deps.now() });
      deps.metrics.verified.inc({ provider: FORM_PROVIDER });
      if (recorded.inserted) {
        deps.metrics.stored.inc({ provider: FORM_PROVIDER, status: recorded.status });
        deps.onStored();
        res.status(202).json({ id: recorded.id, status: 'accepted' });
      } else {
        deps.metrics.duplicates.inc({ provider: FORM_PROVIDER });
        res.status(200).json({ id: recorded.id, status: 'accepted', duplicate: true });
      }
    } catch (err) {
      if (err instanceof FormRejection) return reject(req, res, err);
      if (isDatabaseUnavailable(err)) {
        deps.logger.error('database unavailable; asking the client to retry', { formId, error: (err as Error).message });
        res.status(503).set('Retry-After', '5').json({ error: 'database_unavailable', message: 'the event store is unavailable; retry later' });
        return;
      }
      deps.logger.error('form ingest failed', { formId, error: (err as Error).message });
      res.status(500).json({ error: 'internal_error', message: 'the submission could not be stored; retry later' });
    }
  });

  // Body-parser errors (oversized, aborted) reach here before the handler ran.
  router.use((err: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (!req.originalUrl.startsWith('/forms/')) return next(err);
    if (err.type === 'entity.too.large') return reject(req, res, new FormRejection('payload_too_large', `body exceeds the ${deps.formBodyLimitBytes}-byte limit for forms`));
    return reject(req, res, new FormRejection('malformed_body', `body could not be read: ${err.message}`));
  });
  return router;
}
