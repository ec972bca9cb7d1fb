import { randomUUID } from 'node:crypto';
import { auditedSince, createRedrive, insertAuditEntry, transaction, type RedriveOutcome } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { BulkFilter } from './dead-letter-query';
import { matchingDeadLetters } from './matching-dead-letters';
import { REDRIVE_ACTION, redriveDeadLetter, type RedriveDeps, type RedriveResult } from './redrive';

export const REDRIVE_START_ACTION = 'redrive.start';

export interface BulkRedriveDeps extends RedriveDeps {
  logger: Logger;
}

/** A stored bulk re-drive, as its runner needs it to try the items. */
export interface BulkRedrive {
  id: string;
  reason: string;
  actor: string;
  startedAt: Date;
}

/**
 * Starts a bulk re-drive: the dead letters the filter picks now become its items (with the start's
 * audit entry, in one transaction). Nothing is tried yet: a RedriveRunner tries the items, on this
 * replica at once or, if this one stops first, on whichever replica resumes it.
 */
export async function startBulkRedrive(deps: BulkRedriveDeps, input: { filter: BulkFilter; limit: number; reason: string; actor: string }): Promise<BulkRedrive & { total: number }> {
  const { entries } = await matchingDeadLetters(deps.db, deps.queues, input.filter, input.limit);
  const id = randomUUID();
  const startedAt = await transaction(deps.db, async (tx) => {
    const { createdAt } = await createRedrive(tx, {
      id,
      filter: { ...input.filter },
      reason: input.reason,
      startedBy: input.actor,
      queuePrefix: deps.queues.prefix,
      items: entries.map((e) => ({ deadLetterId: e.id, eventId: e.eventId, effectId: e.effectId })),
    });
    await insertAuditEntry(tx, { actor: input.actor, action: REDRIVE_START_ACTION, target: id, reason: input.reason, details: { filter: input.filter, total: entries.length } });
    return createdAt;
  });
  return { id, total: entries.length, reason: input.reason, actor: input.actor, startedAt };
}

/**
 * Re-drives one item of a bulk re-drive and says what to record for it. A dead letter no longer in
 * its DLQ was re-driven by someone since the re-drive started (this re-drive, by a run stopped
 * before it recorded the item, or a person) or removed: the audit log tells which, so a resumed
 * run counts the first as retried and never re-drives it again.
 */
export async function tryRedriveItem(deps: BulkRedriveDeps, redrive: BulkRedrive, deadLetterId: string): Promise<{ outcome: RedriveOutcome; detail: string | null; result: RedriveResult }> {
  const result = await redriveDeadLetter(deps, deadLetterId, redrive.actor, redrive.reason);
  if (result.ok) return { outcome: 'retried', detail: `${result.mode} as job ${result.jobId}`, result };
  if (result.status === 'not_found') {
    if (await auditedSince(deps.db, { action: REDRIVE_ACTION, target: deadLetterId, since: redrive.startedAt })) {
      return { outcome: 'retried', detail: 're-driven since this re-drive started (before an interrupted run recorded it)', result };
    }
    return { outcome: 'skipped', detail: result.reason, result };
  }
  if (result.status === 'skipped') return { outcome: 'skipped', detail: result.reason, result };
  return { outcome: 'refused', detail: result.reason, result };
}
