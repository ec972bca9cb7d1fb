import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { normalizeEmail, normalizePhone } from '@switchyard/domain';
import { erasePerson, insertAuditEntry, maskForAudit, transaction, type Database } from '@switchyard/db';
import { opsUserOf } from '../auth/require-token';
import { parseRequest, reason, unknownKeys } from '../validation/parse-request';
import { requireRole } from '../auth/roles';

const body = z
  .strictObject(
    {
      email: z.string().refine((v) => normalizeEmail(v) !== null, 'is not an email address').optional(),
      phone: z.string().refine((v) => normalizePhone(v) !== null, 'is not a phone number (7 to 15 digits)').optional(),
      reason,
    },
    unknownKeys('field'),
  )
  .refine((b) => b.email !== undefined || b.phone !== undefined, { message: 'email or phone is required' });

/**
 * `POST /api/erasure {email|phone, reason}`: removes or masks that person's data everywhere we
 * store it and answers what changed. The audit entry records who, why and the counts, never the
 * email or phone themselves. Calling it again changes nothing (and says so).
 */
export function erasureRoutes(db: Database): Router {
  const router = Router();

  router.post('/api/erasure', requireRole('admin'), async (req, res) => {
    const input = parseRequest(body, req.body, res, 'body');
    if (!input) return;
    const actor = opsUserOf(res.locals);
    const erasureId = randomBytes(6).toString('hex');
    const person = { ...(input.email ? { email: input.email } : {}), ...(input.phone ? { phone: input.phone } : {}) };
    const outcome = await transaction(db, async (tx) => {
      const result = await erasePerson(tx, { ...person, erasureId });
      const audit = await insertAuditEntry(tx, {
        actor,
        action: 'erasure',
        target: `erasure:${erasureId}`,
        reason: maskForAudit(input.reason, person),
        details: { by: input.email ? (input.phone ? 'email+phone' : 'email') : 'phone', identifiers: result.identifiers, changed: result.changed, total: result.total },
      });
      return { ...result, auditId: audit.id };
    });
    res.json({ erasureId, ...outcome });
  });

  return router;
}
