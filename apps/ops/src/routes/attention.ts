import { Router, type Request } from 'express';
import { z } from 'zod';
import { insertAuditEntry, listOpenAttention, resolveAttention, transaction, type Database } from '@switchyard/db';
import { opsUserOf } from '../auth/require-token';
import { isUuid } from '../events/event-cursor';
import { limit, parseRequest, reason, unknownKeys } from '../validation/parse-request';
import { requireRole } from '../auth/roles';

const listQuery = z.strictObject({ limit: limit(50, 200) }, unknownKeys('parameter'));
const resolveBody = z.strictObject({ reason }, unknownKeys('field'));

/** `GET /api/attention` (open items, newest first) and `POST /api/attention/:id/resolve`. */
export function attentionRoutes(db: Database): Router {
  const router = Router();

  router.get('/api/attention', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(listQuery, req.query, res, 'query');
    if (!query) return;
    res.json({ items: await listOpenAttention(db, query.limit) });
  });

  router.post('/api/attention/:id/resolve', requireRole('operator'), async (req: Request<{ id: string }>, res) => {
    const body = parseRequest(resolveBody, req.body, res, 'body');
    if (!body) return;
    const { id } = req.params;
    const actor = opsUserOf(res.locals);
    if (!isUuid(id)) {
      res.status(404).json({ error: 'not_found', message: `no attention item with id "${id}"` });
      return;
    }
    // The change and its audit entry commit together: no resolution without its why.
    const result = await transaction(db, async (tx) => {
      const outcome = await resolveAttention(tx, { id, by: actor, resolution: body.reason });
      if (outcome.ok) await insertAuditEntry(tx, { actor, action: 'attention.resolve', target: id, reason: body.reason, details: { kind: outcome.row.kind, entityType: outcome.row.entityType, entityKey: outcome.row.entityKey } });
      return outcome;
    });
    if (!result.ok) {
      if (result.reason === 'not_found') res.status(404).json({ error: 'not_found', message: `no attention item with id "${id}"` });
      else res.status(409).json({ error: 'already_resolved', message: `attention item "${id}" is already ${result.current ?? 'resolved'}` });
      return;
    }
    res.json(result.row);
  });

  return router;
}
