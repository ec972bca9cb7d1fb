import { Router } from 'express';
import { z } from 'zod';
import { effectFailureGroups, type Database, type FailureSubject } from '@switchyard/db';
import type { BulkFilter } from '../dead-letters/dead-letter-query';
import { deadLettersWithSubjects } from '../dead-letters/matching-dead-letters';
import { groupDeadLetters } from '../failure-groups/group-dead-letters';
import type { OpsQueues } from '../queues/ops-queues';
import type { EntityKeySeal } from '../search/entity-key-seal';
import { entityLink } from '../search/entity-link';
import { isoDate, parseRequest, unknownKeys } from '../validation/parse-request';

const DEFAULT_WINDOW_MS = 7 * 24 * 3600_000;

const query = z
  .strictObject({ since: isoDate.optional(), until: isoDate.optional() }, unknownKeys('parameter'))
  .refine((q) => !q.since || !q.until || q.since < q.until, { message: '"since" must be before "until"', path: ['since'] });

export interface FailureGroupRouteDeps {
  db: Database;
  queues: OpsQueues;
  keys: EntityKeySeal;
}

/**
 * `GET /api/failure-groups?since=&until=`: what failed, as issues a person works through — dead
 * letters (dead events and dead effect jobs) grouped by provider + error code, and failed (with no
 * dead letter left) or parked effects grouped the same way. A dead-letter group carries the `filter`
 * that `POST /api/dead-letters/retry` takes to re-drive exactly that group (with `dryRun: true` to
 * preview how many). `since` defaults to seven days ago.
 */
export function failureGroupRoutes(deps: FailureGroupRouteDeps): Router {
  const router = Router();
  router.get('/api/failure-groups', async (req, res) => {
    const q = parseRequest(query, req.query, res, 'query');
    if (!q) return;
    const since = q.since ?? new Date(Date.now() - DEFAULT_WINDOW_MS);
    const window = { since, ...(q.until ? { until: q.until } : {}) };
    const dead = await deadLettersWithSubjects(deps.db, deps.queues, window);
    const effects = await effectFailureGroups(deps.db, { ...window, exclude: [...new Set(dead.map((d) => d.effectId).filter((id): id is string => !!id))] });

    const link = (subject: FailureSubject | null, eventId: string | null) =>
      subject?.entityType && subject.entityKey ? entityLink(deps.keys, subject.entityType, subject.entityKey) : eventId ? { type: 'event', key: eventId, href: `/api/events/${eventId}` } : null;

    const deadGroups = groupDeadLetters(dead).map((g) => {
      const filter: BulkFilter = { provider: g.provider, errorCode: g.errorCode, ...window };
      return {
        source: 'dead_letters' as const,
        provider: g.provider,
        errorCode: g.errorCode,
        errorKinds: g.errorKinds,
        queues: g.queues,
        count: g.count,
        firstSeen: g.firstSeen,
        lastSeen: g.lastSeen,
        example: { deadLetterId: g.example.id, eventId: g.example.eventId, effectId: g.example.effectId, message: g.example.error.message, entity: link(g.example.subject, g.example.eventId) },
        filter,
        retry: { method: 'POST', path: '/api/dead-letters/retry', body: { filter, dryRun: true } },
      };
    });
    const effectGroups = effects.map((g) => ({
      source: g.status === 'parked' ? ('parked_effects' as const) : ('failed_effects' as const),
      provider: g.provider,
      errorCode: g.errorCode,
      count: g.count,
      firstSeen: g.firstSeen,
      lastSeen: g.lastSeen,
      example: { effectId: g.example.id, kind: g.example.kind, entity: entityLink(deps.keys, g.example.entityType, g.example.entityKey) },
      // No dead letter to re-drive: a parked send is confirmed or resent one by one; a failed effect
      // whose dead letter is gone is retried from its entity page.
      filter: null,
      next:
        g.status === 'parked'
          ? { method: 'POST', path: `/api/effects/${g.example.id}/resolve`, what: 'confirm it arrived (sent) or resend, with a reason, for each effect' }
          : { method: 'GET', path: '/api/effects?status=failed', what: 'its dead letter is gone; open the entity page of each effect' },
    }));
    const groups = [...deadGroups, ...effectGroups].sort((a, b) => b.count - a.count || b.lastSeen.getTime() - a.lastSeen.getTime());
    res.json({ since, until: q.until ?? null, groups });
  });
  return router;
}
