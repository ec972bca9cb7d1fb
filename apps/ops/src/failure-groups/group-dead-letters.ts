import type { DeadLetterWithSubject } from '../dead-letters/matching-dead-letters';

/** Dead letters of one provider that failed with one error code: one issue for a person. */
export interface DeadLetterGroup {
  provider: string | null;
  errorCode: string | null;
  /** The error kinds and queues seen in the group (usually one each). */
  errorKinds: string[];
  queues: string[];
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  /** The newest dead letter of the group. */
  example: DeadLetterWithSubject;
}

/** Groups dead letters by provider + error code, the largest group first (then the most recent). */
export function groupDeadLetters(entries: DeadLetterWithSubject[]): DeadLetterGroup[] {
  const groups = new Map<string, DeadLetterGroup>();
  for (const e of entries) {
    const provider = e.subject?.provider ?? null;
    const id = JSON.stringify([provider, e.error.code]);
    const g = groups.get(id);
    if (!g) {
      groups.set(id, { provider, errorCode: e.error.code, errorKinds: [e.error.kind], queues: [e.queue], count: 1, firstSeen: e.failedAt, lastSeen: e.failedAt, example: e });
      continue;
    }
    g.count += 1;
    if (!g.errorKinds.includes(e.error.kind)) g.errorKinds.push(e.error.kind);
    if (!g.queues.includes(e.queue)) g.queues.push(e.queue);
    if (e.failedAt < g.firstSeen) g.firstSeen = e.failedAt;
    if (e.failedAt > g.lastSeen) {
      g.lastSeen = e.failedAt;
      g.example = e;
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.lastSeen.getTime() - a.lastSeen.getTime());
}
