import { randomUUID } from 'node:crypto';
import { createRedrive, insertAuditEntry, markRedriveTried, recordRedriveItem, transaction, untriedRedriveItems, type RedriveOutcome } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { BulkFilter } from './dead-letter-query';
import { matchingDeadLetters } from './matching-dead-letters';
import { redriveDeadLetter, type RedriveDeps, type RedriveResult } from './redrive';

export const REDRIVE_START_ACTION = 'redrive.start';

export interface BulkRedriveDeps extends RedriveDeps {
  logger: Logger;
}

/** What trying one dead letter did, as the re-drive's item records it. */
function outcomeOf(result: RedriveResult): { outcome: RedriveOutcome; detail: string | null } {
  if (result.ok) return { outcome: 'retried', detail: `${result.mode} as job ${result.jobId}` };
  // Not found: re-driven or removed by someone else since it was picked; nothing left for this one to do.
  if (result.status === 'skipped' || result.status === 'not_found') return { outcome: 'skipped', detail: result.reason };
  return { outcome: 'refused', detail: result.reason };
}

/**
 * Starts a bulk re-drive: the dead letters the filter picks now become its items (with the start's
 * audit entry, in one transaction), then each is re-driven in the background, one at a time, the
 * way a single re-drive is (lock, reset the row, retry or re-add the job, remove the entry, audit).
 * Returns once the items are stored; `run` settles when every item has been tried.
 */
export async function startBulkRedrive(
  deps: BulkRedriveDeps,
  input: { filter: BulkFilter; limit: number; reason: string; actor: string },
): Promise<{ id: string; total: number; run: Promise<void> }> {
  const { entries } = await matchingDeadLetters(deps.db, deps.queues, input.filter, input.limit);
  const id = randomUUID();
  await transaction(deps.db, async (tx) => {
    await createRedrive(tx, { id, filter: { ...input.filter }, reason: input.reason, startedBy: input.actor, items: entries.map((e) => ({ deadLetterId: e.id, eventId: e.eventId, effectId: e.effectId })) });
    await insertAuditEntry(tx, { actor: input.actor, action: REDRIVE_START_ACTION, target: id, reason: input.reason, details: { filter: input.filter, total: entries.length } });
  });
  const run = runBulkRedrive(deps, { id, reason: input.reason, actor: input.actor }).catch((err: Error) => {
    deps.logger.error('bulk re-drive stopped before trying every dead letter', { redriveId: id, error: err.message });
  });
  return { id, total: entries.length, run };
}

/** Tries every item not tried yet; an item is recorded once, so running this twice tries none twice. */
export async function runBulkRedrive(deps: BulkRedriveDeps, redrive: { id: string; reason: string; actor: string }): Promise<void> {
  const items = await untriedRedriveItems(deps.db, redrive.id);
  let retried = 0;
  for (const item of items) {
    const result = await redriveDeadLetter(deps, item.deadLetterId, redrive.actor, redrive.reason);
    if (result.ok) retried += 1;
    await recordRedriveItem(deps.db, { redriveId: redrive.id, deadLetterId: item.deadLetterId, ...outcomeOf(result) });
  }
  await markRedriveTried(deps.db, redrive.id);
  deps.logger.info('bulk re-drive tried every dead letter', { audit: true, who: redrive.actor, redriveId: redrive.id, tried: items.length, retried });
}
