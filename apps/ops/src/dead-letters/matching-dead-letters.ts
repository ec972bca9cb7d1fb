import { failureSubjects, type Database, type FailureSubject } from '@switchyard/db';
import type { OpsQueues } from '../queues/ops-queues';
import type { BulkFilter } from './dead-letter-query';
import type { DeadLetterEntry } from './dead-letter';
import { listDeadLetters } from './list-dead-letters';

export type DeadLetterWithSubject = DeadLetterEntry & { subject: FailureSubject | null };

/** Every dead letter of the registry's queues, newest first, each with its event's or effect's provider and entity. */
export async function deadLettersWithSubjects(db: Database, queues: OpsQueues, filter: Omit<BulkFilter, 'provider'>): Promise<DeadLetterWithSubject[]> {
  const entries = await listDeadLetters(queues, filter, Number.MAX_SAFE_INTEGER);
  const ids = (key: 'eventId' | 'effectId') => [...new Set(entries.map((e) => e[key]).filter((id): id is string => !!id))];
  const subjects = await failureSubjects(db, { eventIds: ids('eventId'), effectIds: ids('effectId') });
  // An effect's job concerns the effect (its provider is the one called); an event's, the sender.
  return entries.map((e) => ({ ...e, subject: (e.effectId && subjects.effects.get(e.effectId)) || (e.eventId && subjects.events.get(e.eventId)) || null }));
}

/**
 * The dead letters a bulk filter picks, newest first: `total` of them, `entries` the first `limit`.
 * BullMQ cannot filter by data and the provider is in Postgres, so the DLQs are read whole (they
 * are small by nature) and the provider looked up for all of them at once.
 */
export async function matchingDeadLetters(db: Database, queues: OpsQueues, filter: BulkFilter, limit: number): Promise<{ total: number; entries: DeadLetterEntry[] }> {
  const { provider, ...rest } = filter;
  let entries: DeadLetterEntry[];
  if (provider === undefined) entries = await listDeadLetters(queues, rest, Number.MAX_SAFE_INTEGER);
  else entries = (await deadLettersWithSubjects(db, queues, rest)).filter((e) => (e.subject?.provider ?? null) === provider);
  return { total: entries.length, entries: entries.slice(0, limit) };
}
