import type { Selectable } from 'kysely';
import type { Db } from '../database';
import type { EffectStatus, EventStatus } from '../generated/kysely/enums';
import type { Redrive } from '../generated/kysely/types';
import { transaction } from '../transaction';

/**
 * Bulk re-drives started from the console. The dead letters a filter picked are stored as items
 * when it starts; each item records what happened when it was tried; progress is then read from
 * the items' events and effects as they stand, so it advances as the re-driven jobs finish.
 */

export type RedriveOutcome = 'retried' | 'skipped' | 'refused';
export type RedriveRecord = Selectable<Redrive>;

export interface NewRedriveItem {
  deadLetterId: string;
  eventId: string | null;
  effectId: string | null;
}

/**
 * The re-drive and all its items, together: a re-drive never exists with half its items. Returns
 * its start time as the database's clock wrote it, which audit times are compared with.
 */
export async function createRedrive(
  db: Db,
  input: { id: string; filter: Record<string, unknown>; reason: string; startedBy: string; queuePrefix: string; items: NewRedriveItem[] },
): Promise<{ createdAt: Date }> {
  return transaction(db, async (tx) => {
    const { created_at: createdAt } = await tx
      .insertInto('redrives')
      .values({ id: input.id, filter: JSON.stringify(input.filter), reason: input.reason, started_by: input.startedBy, queue_prefix: input.queuePrefix, total: input.items.length })
      .returning('created_at')
      .executeTakeFirstOrThrow();
    // In chunks: a bulk filter may pick a thousand dead letters, and each row binds four parameters.
    for (let i = 0; i < input.items.length; i += 500) {
      await tx
        .insertInto('redrive_items')
        .values(input.items.slice(i, i + 500).map((item) => ({ redrive_id: input.id, dead_letter_id: item.deadLetterId, event_id: item.eventId, effect_id: item.effectId })))
        .execute();
    }
    return { createdAt };
  });
}

/** The items not tried yet (all of them for a fresh re-drive; the rest of one that was interrupted). */
export async function untriedRedriveItems(db: Db, redriveId: string): Promise<NewRedriveItem[]> {
  return db
    .selectFrom('redrive_items')
    .select(['dead_letter_id as deadLetterId', 'event_id as eventId', 'effect_id as effectId'])
    .where('redrive_id', '=', redriveId)
    .where('outcome', 'is', null)
    .orderBy('dead_letter_id')
    .execute();
}

/** Records what trying one item did; an item is tried once (a second record changes nothing). */
export async function recordRedriveItem(db: Db, input: { redriveId: string; deadLetterId: string; outcome: RedriveOutcome; detail: string | null }): Promise<void> {
  await db
    .updateTable('redrive_items')
    .set({ outcome: input.outcome, detail: input.detail?.slice(0, 2000) ?? null, tried_at: new Date() })
    .where('redrive_id', '=', input.redriveId)
    .where('dead_letter_id', '=', input.deadLetterId)
    .where('outcome', 'is', null)
    .execute();
}

export async function markRedriveTried(db: Db, redriveId: string): Promise<void> {
  await db.updateTable('redrives').set({ tried_at: new Date() }).where('id', '=', redriveId).where('tried_at', 'is', null).execute();
}

/**
 * Re-drives with items not tried yet, oldest first, for the fleet on `queuePrefix` (and those
 * started before the prefix was recorded): what a replica's runner resumes after the process that
 * started them stopped.
 */
export async function unfinishedRedrives(db: Db, queuePrefix: string): Promise<Pick<RedriveRecord, 'id' | 'reason' | 'started_by' | 'created_at'>[]> {
  return db
    .selectFrom('redrives')
    .select(['id', 'reason', 'started_by', 'created_at'])
    .where('tried_at', 'is', null)
    .where((eb) => eb.or([eb('queue_prefix', '=', queuePrefix), eb('queue_prefix', 'is', null)]))
    .orderBy('created_at')
    .execute();
}

export async function findRedrive(db: Db, id: string): Promise<RedriveRecord | null> {
  return (await db.selectFrom('redrives').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** How many items stand where: by what trying them did and by their event's and effect's status now. */
export interface RedriveItemTally {
  outcome: RedriveOutcome | null;
  eventStatus: EventStatus | null;
  effectStatus: EffectStatus | null;
  count: number;
}

export async function tallyRedriveItems(db: Db, redriveId: string): Promise<RedriveItemTally[]> {
  const rows = await db
    .selectFrom('redrive_items as i')
    .leftJoin('inbound_events as ev', 'ev.id', 'i.event_id')
    .leftJoin('effects as ef', 'ef.id', 'i.effect_id')
    .select((eb) => ['i.outcome', 'ev.status as eventStatus', 'ef.status as effectStatus', eb.fn.countAll<string>().as('n')])
    .where('i.redrive_id', '=', redriveId)
    .groupBy(['i.outcome', 'ev.status', 'ef.status'])
    .execute();
  return rows.map((r) => ({ outcome: r.outcome as RedriveOutcome | null, eventStatus: r.eventStatus, effectStatus: r.effectStatus, count: Number(r.n) }));
}
