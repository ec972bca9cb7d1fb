import { Router, type Request } from 'express';
import { findEventDetail, searchEvents, type Database, type EventListItem } from '@switchyard/db';
import { redact } from '@switchyard/logger';
import { encodeCursor, isUuid } from '../events/event-cursor';
import { parseEventQuery } from '../events/event-query';
import { requireRole } from '../auth/roles';

/** Named fields only, so a column added to the store is never shown by accident. */
function listItem(e: EventListItem) {
  return {
    id: e.id,
    provider: e.provider,
    connection: e.connection,
    providerEventId: e.providerEventId,
    type: e.type,
    canonicalType: e.canonicalType,
    status: e.status,
    deliveries: e.deliveries,
    attempts: e.attempts,
    receivedAt: e.receivedAt,
    occurredAt: e.occurredAt,
    processedAt: e.processedAt,
    lastError: e.lastError,
  };
}

/** `GET /api/events` (search, newest first, cursor pages) and `GET /api/events/:id` (detail). */
export function eventRoutes(db: Database): Router {
  const router = Router();

  router.get('/api/events', requireRole('viewer'), async (req, res) => {
    const parsed = parseEventQuery(req.query);
    if (!parsed.ok) {
      res.status(400).json({ error: 'invalid_query', message: parsed.message });
      return;
    }
    const { filter, cursor, limit } = parsed.query;
    // One extra row tells whether another page exists, so the last page says so itself.
    const rows = await searchEvents(db, { filter, cursor, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    res.json({ items: items.map(listItem), nextCursor: rows.length > limit && last ? encodeCursor(last) : null });
  });

  router.get('/api/events/:id', requireRole('viewer'), async (req: Request<{ id: string }>, res) => {
    const { id } = req.params;
    const event = isUuid(id) ? await findEventDetail(db, id) : null;
    if (!event) {
      res.status(404).json({ error: 'not_found', message: `no event with id "${id}"` });
      return;
    }
    // Stored headers already exclude signatures; redacting again keeps a secret that slipped into
    // a payload field (api_key, token…) off the screen too.
    res.json({ ...event, payload: redact(event.payload), canonical: redact(event.canonical), headers: redact(event.headers) });
  });

  return router;
}
