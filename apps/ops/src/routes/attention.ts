import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { assignAttention, attentionKinds, insertAuditEntry, listOpenAttention, resolveAttention, transaction, type Database } from '@switchyard/db';
import { opsUserOf } from '../auth/require-token';
import { isUuid } from '../events/event-cursor';
import { limit, parseRequest, reason, unknownKeys } from '../validation/parse-request';
import { requireRole } from '../auth/roles';

const personName = (missing: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be a name (a string)') })
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters');

const listQuery = z.strictObject(
  {
    limit: limit(50, 200),
    assignee: personName('is required').optional(),
    kind: z.enum(attentionKinds, { error: (issue) => `"${String(issue.input)}" is not an attention kind (one of: ${attentionKinds.join(', ')})` }).optional(),
  },
  unknownKeys('parameter'),
);
const resolveBody = z.strictObject({ reason }, unknownKeys('field'));
/** null hands the item back to nobody. */
const assignBody = z.strictObject({ assignee: personName('is required: a name, or null to unassign').nullable(), reason }, unknownKeys('field'));

function notFound(res: Response, id: string): void {
  res.status(404).json({ error: 'not_found', message: `no attention item with id "${id}"` });
}

/**
 * `GET /api/attention?assignee=&kind=` (open items, newest first), `POST /api/attention/:id/resolve`
 * and `POST /api/attention/:id/assign`.
 */
export function attentionRoutes(db: Database): Router {
  const router = Router();

  router.get('/api/attention', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(listQuery, req.query, res, 'query');
    if (!query) return;
    res.json({ items: await listOpenAttention(db, query) });
  });

  router.post('/api/attention/:id/resolve', requireRole('operator'), async (req: Request<{ id: string }>, res) => {
    const body = parseRequest(resolveBody, req.body, res, 'body');
    if (!body) return;
    const { id } = req.params;
    const actor = opsUserOf(res.locals);
    if (!isUuid(id)) return notFound(res, id);
    // The change and its audit entry commit together: no resolution without its why.
    const result = await transaction(db, async (tx) => {
      const outcome = await resolveAttention(tx, { id, by: actor, resolution: body.reason });
      if (outcome.ok) await insertAuditEntry(tx, { actor, action: 'attention.resolve', target: id, reason: body.reason, details: { kind: outcome.row.kind, entityType: outcome.row.entityType, entityKey: outcome.row.entityKey } });
      return outcome;
    });
    if (!result.ok) {
      if (result.reason === 'not_found') notFound(res, id);
      else res.status(409).json({ error: 'already_resolved', message: `attention item "${id}" is already ${result.current ?? 'resolved'}` });
      return;
    }
    res.json(result.row);
  });

  router.post('/api/attention/:id/assign', requireRole('operator'), async (req: Request<{ id: string }>, res) => {
    const body = parseRequest(assignBody, req.body, res, 'body');
    if (!body) return;
    const { id } = req.params;
    const actor = opsUserOf(res.locals);
    if (!isUuid(id)) return notFound(res, id);
    const result = await transaction(db, async (tx) => {
      const outcome = await assignAttention(tx, { id, assignee: body.assignee });
      if (outcome.ok) await insertAuditEntry(tx, { actor, action: 'attention.assign', target: id, reason: body.reason, details: { kind: outcome.row.kind, assignee: body.assignee } });
      return outcome;
    });
    if (!result.ok) {
      if (result.reason === 'not_found') notFound(res, id);
      else res.status(409).json({ error: 'already_resolved', message: `attention item "${id}" is already ${result.current ?? 'resolved'}; only open items are assigned` });
      return;
    }
    res.json({ item: result.row });
  });

  return router;
}
