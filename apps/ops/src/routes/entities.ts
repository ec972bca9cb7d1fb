import { Router } from 'express';
import { z } from 'zod';
import { entityStory, type Database } from '@switchyard/db';
import { redact } from '@switchyard/logger';
import { EntityKeySeal } from '../search/entity-key-seal';
import { limit, parseRequest, unknownKeys } from '../validation/parse-request';
import { requireRole } from '../auth/roles';

export const entityTypes = ['payment', 'contact', 'message', 'lead', 'deal'] as const;

export const entityParams = z.object({
  type: z.enum(entityTypes, { error: (issue) => `"${String(issue.input)}" is not an entity type (one of: ${entityTypes.join(', ')})` }),
  key: z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
});
const query = z.strictObject({ limit: limit(200, 1000) }, unknownKeys('parameter'));

type Entry = { at: Date; source: 'event' | 'effect' | 'message' | 'attention'; id: string } & Record<string, unknown>;

/**
 * `GET /api/entities/:type/:key`: what happened to one payment, contact, message, lead or deal.
 * `key` may be sealed (as search results link to contacts and leads, whose keys are personal data).
 */
export function entityRoutes(db: Database, keys?: EntityKeySeal): Router {
  const router = Router();
  router.get('/api/entities/:type/:key', requireRole('viewer'), async (req, res) => {
    const p = parseRequest(entityParams, req.params, res, 'query');
    if (!p) return;
    const q = parseRequest(query, req.query, res, 'query');
    if (!q) return;
    const key = EntityKeySeal.isSealed(p.key) ? keys?.open(p.key) : p.key;
    if (!key) {
      res.status(400).json({ error: 'invalid_query', message: 'key: this sealed key was not issued by this console (search again)' });
      return;
    }
    const story = await entityStory(db, { type: p.type, key, limit: q.limit });
    const timeline: Entry[] = [
      // When it happened at the provider, if known; otherwise when it reached us.
      ...story.events.map((e) => ({ ...e, at: e.occurredAt ?? e.receivedAt, source: 'event' as const })),
      // A send is `done` once the provider accepted it; what became of the message is beside it,
      // and its latest status is an entry of its own (a later 131026 failure shows here too).
      ...story.effects.map((e) => {
        const message = story.messages.find((m) => m.effectId === e.id);
        return { ...e, request: redact(e.request), at: e.createdAt, source: 'effect' as const, ...(message ? { message: { id: message.id, status: message.status, errorCode: message.errorCode, errorMessage: message.errorMessage } } : {}) };
      }),
      ...story.messages.map(({ lastOccurredAt, updatedAt, ...m }) => ({ ...m, at: lastOccurredAt ?? updatedAt, source: 'message' as const })),
      ...story.attention.map((a) => ({ ...a, at: a.createdAt, source: 'attention' as const })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.source < b.source ? -1 : a.source > b.source ? 1 : a.id < b.id ? -1 : 1));
    res.json({ type: p.type, key: p.key, timeline });
  });
  return router;
}
