import { queueNames } from '@switchyard/queues';
import type { OpsQueues } from '../queues/ops-queues';
import type { DeadLetterFilter } from './dead-letter-query';
import { toDeadLetterEntry, type DeadLetterEntry } from './dead-letter';

/** Dead letters wait: nothing consumes a DLQ, so these are the states an entry can be in. */
const DLQ_STATES = ['waiting', 'delayed', 'prioritized'] as const;
const PAGE = 500;

export function matches(entry: DeadLetterEntry, f: DeadLetterFilter): boolean {
  return (
    (!f.queue || entry.queue === f.queue) &&
    (!f.errorKind || entry.error.kind === f.errorKind) &&
    (f.errorCode === undefined || entry.error.code === f.errorCode) &&
    (!f.since || entry.failedAt >= f.since) &&
    (!f.until || entry.failedAt < f.until)
  );
}

/**
 * The dead letters of every registry queue (or one) that match, newest failure first. BullMQ cannot
 * filter by data, so each DLQ is read in pages and filtered here; DLQs are small by nature.
 */
export async function listDeadLetters(queues: OpsQueues, filter: DeadLetterFilter, limit: number): Promise<DeadLetterEntry[]> {
  const found: DeadLetterEntry[] = [];
  for (const name of filter.queue ? [filter.queue] : queueNames) {
    const dlq = queues.deadLetters(name);
    // One state at a time: getJobs applies the range to each state it is given.
    for (const state of DLQ_STATES) {
      for (let start = 0; ; start += PAGE) {
        const jobs = await dlq.getJobs([state], start, start + PAGE - 1);
        for (const job of jobs) {
          // getJobs can return null for an entry removed while we read.
          const entry = job ? toDeadLetterEntry(job, dlq.name) : null;
          if (entry && matches(entry, filter)) found.push(entry);
        }
        if (jobs.length < PAGE) break;
      }
    }
  }
  return found.sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime() || (a.id < b.id ? 1 : -1)).slice(0, limit);
}

/** One dead letter by its DLQ job id, in whichever queue's DLQ holds it; 'malformed' if not ours. */
export async function findDeadLetter(queues: OpsQueues, id: string): Promise<DeadLetterEntry | 'malformed' | null> {
  for (const name of queueNames) {
    const dlq = queues.deadLetters(name);
    const job = await dlq.getJob(id);
    if (job) return toDeadLetterEntry(job, dlq.name) ?? 'malformed';
  }
  return null;
}
