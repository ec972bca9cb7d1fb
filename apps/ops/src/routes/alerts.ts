import { Router } from 'express';
import { z } from 'zod';
import { listAlertStates, type Database } from '@switchyard/db';
import { judgeAlert } from '@switchyard/planning';
import type { AlertRule } from '@switchyard/settings';
import { alertThreshold, describeAlertRule, formatAlertValue } from '../alerts/alert-rule-words';
import { requireRole } from '../auth/roles';
import { parseRequest, unknownKeys } from '../validation/parse-request';

const alertStates = ['firing', 'ok', 'pending'] as const;
const listQuery = z.strictObject(
  { state: z.enum(alertStates, { error: (issue) => `"${String(issue.input)}" is not an alert state (one of: ${alertStates.join(', ')})` }).optional() },
  unknownKeys('parameter'),
);

export interface AlertRouteDeps {
  db: Database;
  /** The configuration file's alert rules, in its order: the same list the evaluator judges. */
  rules(): AlertRule[];
}

/**
 * `GET /api/alerts?state=firing|ok|pending`: every configured alert rule with its state as the
 * evaluator last recorded it. `pending` is a rule the evaluator has not read yet (just added, or no
 * replica holds the lease); reading the page never creates a state, so a viewer writes nothing.
 */
export function alertRoutes(deps: AlertRouteDeps): Router {
  const router = Router();
  router.get('/api/alerts', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(listQuery, req.query, res, 'query');
    if (!query) return;
    const rules = deps.rules();
    const states = await listAlertStates(deps.db, rules.map((r) => r.name));
    const alerts = rules.map((rule) => {
      const stored = states.get(rule.name);
      const evaluated = !!stored?.lastEvaluatedAt && stored.lastValue !== null;
      const state: (typeof alertStates)[number] = stored?.firingSince ? 'firing' : evaluated ? 'ok' : 'pending';
      const value = stored?.lastValue ?? null;
      return {
        name: rule.name,
        kind: rule.kind,
        watches: describeAlertRule(rule),
        state,
        /** When it started firing, or null while it holds. */
        since: stored?.firingSince ?? null,
        lastValue: value,
        lastValueText: value === null ? null : formatAlertValue(rule, value),
        threshold: alertThreshold(rule),
        thresholdText: formatAlertValue(rule, alertThreshold(rule)),
        // The failure rate's sample size is not stored: its summary would always read "not judged".
        summary: value === null || rule.kind === 'failureRate' ? null : judgeAlert(rule, { value }).summary,
        lastEvaluatedAt: stored?.lastEvaluatedAt ?? null,
        notify: rule.notify,
      };
    });
    res.json({ alerts: query.state ? alerts.filter((a) => a.state === query.state) : alerts });
  });
  return router;
}
