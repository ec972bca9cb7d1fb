import { Router } from 'express';
import { z } from 'zod';
import { findPersonalData, insertAuditEntry, type Database, type PersonalData } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { requirePersonalDataPermission } from '../auth/personal-data-permission';
import { opsUserOf } from '../auth/require-token';
import { EntityKeySeal } from '../search/entity-key-seal';
import { hasPersonalKey } from '../search/entity-link';
import { parseRequest, reason, unknownKeys } from '../validation/parse-request';
import { entityParams } from './entities';

export const REVEAL_ACTION = 'personal_data.reveal';

const body = z.strictObject({ reason }, unknownKeys('field'));

/**
 * `POST /api/entities/:type/:key/reveal {reason}`: the unmasked email, phone and name stored on a
 * contact, payment, lead or message, for whoever holds the revealPersonalData permission
 * (auth/personal-data-permission.ts). Every reveal is audited with who, which entity and why, never
 * with the values; a contact's or lead's key (a phone, an email) is audited by its reference.
 */
export function personalDataRoutes(deps: { db: Database; keys: EntityKeySeal; logger: Logger }): Router {
  const router = Router();
  router.post('/api/entities/:type/:key/reveal', requirePersonalDataPermission(), async (req, res) => {
    // Personal data: no cache keeps the answer.
    res.set('Cache-Control', 'no-store');
    const p = parseRequest(entityParams, req.params, res, 'query');
    if (!p) return;
    if (p.type === 'deal') {
      res.status(400).json({ error: 'invalid_query', message: 'type: a deal holds no personal data to reveal (contact, payment, lead or message do)' });
      return;
    }
    const b = parseRequest(body, req.body, res, 'body');
    if (!b) return;
    const key = EntityKeySeal.isSealed(p.key) ? deps.keys.open(p.key) : p.key;
    if (!key) {
      res.status(400).json({ error: 'invalid_query', message: 'key: this sealed key was not issued by this console (search again)' });
      return;
    }
    const personalData = await findPersonalData(deps.db, { type: p.type, key });
    if (!personalData) {
      res.status(404).json({ error: 'not_found', message: `no ${p.type} with this key` });
      return;
    }
    const actor = opsUserOf(res.locals);
    const target = `${p.type}:${hasPersonalKey(p.type) ? deps.keys.reference(key) : key}`;
    const fields = (Object.keys(personalData) as (keyof PersonalData)[]).filter((f) => personalData[f] !== null);
    await insertAuditEntry(deps.db, { actor, action: REVEAL_ACTION, target, reason: b.reason, details: { type: p.type, fields } });
    deps.logger.info('personal data revealed', { audit: true, who: actor, target, fields });
    res.json({ type: p.type, key: p.key, personalData });
  });
  return router;
}
