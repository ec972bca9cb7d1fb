import { z } from 'zod';
import type { Job } from '@switchyard/queues';

/** What `createQueueWorker` writes to `<queue>.dead` (DeadLetter in @switchyard/queues), read defensively. */
const deadLetterData = z.object({
  queue: z.string(),
  jobName: z.string(),
  jobId: z.string(),
  data: z.unknown(),
  attemptsMade: z.number().int().nonnegative().catch(0),
  error: z.object({ message: z.string().catch(''), code: z.string().optional().catch(undefined), kind: z.string().catch('retryable') }),
  errors: z
    .array(z.object({ attempt: z.number(), message: z.string(), code: z.string().optional(), kind: z.string(), at: z.string() }))
    .catch([])
    .default([]),
  failedAt: z.string(),
});

export interface DeadLetterEntry {
  /** The DLQ job id (`<original job id>.dead`). */
  id: string;
  deadLetterQueue: string;
  queue: string;
  jobName: string;
  jobId: string;
  data: unknown;
  attemptsMade: number;
  error: { message: string; code: string | null; kind: string };
  /** Every failed attempt with its classification (older dead letters have none). */
  errors: { attempt: number; message: string; code?: string; kind: string; at: string }[];
  failedAt: Date;
  eventId: string | null;
  effectId: string | null;
}

/**
 * A permanent failure reaches the DLQ as BullMQ's UnrecoverableError, whose message the worker
 * writes as `CODE: message` without a separate code; read the code back from that prefix.
 */
const CODE_PREFIX = /^([A-Z][A-Z0-9_.-]*): /;

function idOf(data: unknown, key: 'eventId' | 'effectId'): string | null {
  const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
}

/** Null when the DLQ job is not a dead letter this fleet wrote (added by hand, older shape). */
export function toDeadLetterEntry(job: Job, deadLetterQueue: string): DeadLetterEntry | null {
  const parsed = deadLetterData.safeParse(job.data);
  if (!parsed.success || job.id === undefined) return null;
  const d = parsed.data;
  const failedAt = new Date(d.failedAt);
  return {
    id: job.id,
    deadLetterQueue,
    queue: d.queue,
    jobName: d.jobName,
    jobId: d.jobId,
    data: d.data,
    attemptsMade: d.attemptsMade,
    error: { message: d.error.message, code: d.error.code ?? CODE_PREFIX.exec(d.error.message)?.[1] ?? null, kind: d.error.kind },
    errors: d.errors,
    failedAt: Number.isNaN(failedAt.getTime()) ? new Date(job.timestamp) : failedAt,
    eventId: idOf(d.data, 'eventId'),
    effectId: idOf(d.data, 'effectId'),
  };
}
