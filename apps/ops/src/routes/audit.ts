import { Router } from 'express';
import { z } from 'zod';
import { insertAuditEntry, listAuditEntries, type Database } from '@switchyard/db';
import { AUDIT_CSV_HEADER, auditCsvRow } from '../audit/audit-csv';
import { opsUserOf } from '../auth/require-token';
import { requireRole } from '../auth/roles';
import { isoDate, limit, parseRequest, unknownKeys } from '../validation/parse-request';

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

const exportQuery = z.strictObject(
  {
    format: z.enum(['csv', 'ndjson'], { error: (issue) => `"${String(issue.input)}" is not a format (csv or ndjson)` }).default('csv'),
    since: isoDate.optional(),
    until: isoDate.optional(),
    action: z.string().min(1, 'must not be empty').optional(),
    target: z.string().min(1, 'must not be empty').optional(),
  },
  unknownKeys('parameter'),
);

/** Rows read per statement while exporting: the answer streams, the process never holds the whole trail. */
const EXPORT_BATCH = 1000;

/**
 * `GET /api/audit`: who did what and why, newest first; page with `before=<nextBefore>`.
 * `GET /api/audit/export` (admin): the whole trail, or `since`..`until`, as a CSV or NDJSON download.
 */
export function auditRoutes(db: Database): Router {
  const router = Router();
  router.get('/api/audit', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(auditQuery, req.query, res, 'query');
    if (!query) return;
    const rows = await listAuditEntries(db, { limit: query.limit + 1, before: query.before, action: query.action, target: query.target });
    const items = rows.slice(0, query.limit);
    res.json({ items, nextBefore: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null });
  });

  router.get('/api/audit/export', requireRole('admin'), async (req, res) => {
    const query = parseRequest(exportQuery, req.query, res, 'query');
    if (!query) return;
    const csv = query.format === 'csv';
    // Taking the trail away is itself on the trail.
    await insertAuditEntry(db, { actor: opsUserOf(res.locals), action: 'audit.export', target: 'audit', details: { format: query.format, since: query.since ?? null, until: query.until ?? null, action: query.action ?? null, target: query.target ?? null } });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200).type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.set('Content-Disposition', `attachment; filename="switchyard-audit-${stamp}.${query.format}"`);
    if (csv) res.write(AUDIT_CSV_HEADER);
    // Newest first by id, which follows time: stop at the first entry older than `since`.
    let before: string | undefined;
    for (;;) {
      const rows = await listAuditEntries(db, { limit: EXPORT_BATCH, before, action: query.action, target: query.target });
      const inRange = rows.filter((r) => (!query.until || r.at < query.until) && (!query.since || r.at >= query.since));
      if (inRange.length) res.write(inRange.map((r) => (csv ? auditCsvRow(r) : `${JSON.stringify(r)}\n`)).join(''));
      const last = rows.at(-1);
      if (!last || rows.length < EXPORT_BATCH || (query.since && last.at < query.since)) break;
      before = last.id;
    }
    res.end();
  });
  return router;
}
