import { Router, type Request } from 'express';
import { z } from 'zod';
import { findRedrive, tallyRedriveItems } from '@switchyard/db';
import { opsUserOf } from '../auth/require-token';
import { requireRole } from '../auth/roles';
import { startBulkRedrive, type BulkRedriveDeps } from '../dead-letters/bulk-redrive';
import type { RedriveRunner } from '../dead-letters/redrive-runner';
import { bulkFilterSchema } from '../dead-letters/dead-letter-query';
import { redriveProgress } from '../dead-letters/redrive-progress';
import { isUuid } from '../events/event-cursor';
import { parseRequest, reason, unknownKeys } from '../validation/parse-request';

const LIMIT_MESSAGE = 'must be an integer from 1 to 1000';
const startBody = z.strictObject(
  {
    filter: bulkFilterSchema,
    reason,
    limit: z.number({ error: 'must be a number' }).int(LIMIT_MESSAGE).min(1, LIMIT_MESSAGE).max(1000, LIMIT_MESSAGE).default(1000),
  },
  unknownKeys('field'),
);

/**
 * `POST /api/redrives {filter, reason, limit?}` starts a bulk re-drive of the dead letters the
 * filter picks (the filter of `POST /api/dead-letters/retry`) and answers at once;
 * `GET /api/redrives/:id` reads its progress, which advances as the re-driven jobs finish. This
 * replica's runner starts trying the items at once; if it stops first, another replica's resumes.
 */
export function redriveRoutes(deps: BulkRedriveDeps & { runner: RedriveRunner }): Router {
  const router = Router();

  router.post('/api/redrives', requireRole('operator'), async (req, res) => {
    const body = parseRequest(startBody, req.body, res, 'body');
    if (!body) return;
    const { total, ...redrive } = await startBulkRedrive(deps, { filter: body.filter, limit: body.limit, reason: body.reason, actor: opsUserOf(res.locals) });
    void deps.runner.run(redrive);
    res.status(202).json({ id: redrive.id, total });
  });

  router.get('/api/redrives/:id', requireRole('viewer'), async (req: Request<{ id: string }>, res) => {
    const { id } = req.params;
    const redrive = isUuid(id) ? await findRedrive(deps.db, id) : null;
    if (!redrive) {
      res.status(404).json({ error: 'not_found', message: `no re-drive with id "${id}"` });
      return;
    }
    const { done, skipped, failed, running } = redriveProgress(await tallyRedriveItems(deps.db, id));
    res.json({
      id,
      total: redrive.total,
      done,
      skipped,
      failed,
      finished: redrive.tried_at !== null && running === 0,
      startedBy: redrive.started_by,
      reason: redrive.reason,
      filter: redrive.filter,
      startedAt: redrive.created_at,
    });
  });

  return router;
}
