import { Router } from 'express';
import { z } from 'zod';
import { listAuditEntries, type Database } from '@switchyard/db';
import { limit, parseRequest, unknownKeys } from '../validation/parse-request';
import { requireRole } from '../auth/roles';

const auditQuery = z.strictObject(
  {
    limit: limit(50, 500),
    before: z
      .string()
      .regex(/^[1-9]\d{0,18}$/, 'must be the id of an audit entry (nextBefore of the previous page)')
      .optional(),
    action: z.string().min(1, 'must not be empty').optional(),
    target: z.string().min(1, 'must not be empty').optional(),
  },
  unknownKeys('parameter'),
);

/** `GET /api/audit`: who did what and why, newest first; page with `before=<nextBefore>`. */
export function auditRoutes(db: Database): Router {
  const router = Router();
  router.get('/api/audit', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(auditQuery, req.query, res, 'query');
    if (!query) return;
    const rows = await listAuditEntries(db, { limit: query.limit + 1, before: query.before, action: query.action, target: query.target });
    const items = rows.slice(0, query.limit);
    res.json({ items, nextBefore: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null });
  });
  return router;
}
