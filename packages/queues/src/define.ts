import type { z } from 'zod';

export interface RetryPolicy {
  /** Total tries including the first. */
  attempts: number;
  /** Base delay of the exponential backoff: wait = round(2^(attempt-1) * delay), then jitter. */
  backoffMs: number;
  /** 0..1: the share of each wait that is randomised, so replicas do not retry in lockstep. */
  jitter: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  schema: S;
  retry: RetryPolicy;
  /** A processor running longer than this is failed (and retried) rather than left hanging. */
  timeoutMs: number;
}

export interface QueueDefinition<J extends Record<string, JobDefinition> = Record<string, JobDefinition>> {
  name: string;
  /** Dead letters of this queue; a job lands there when it fails for good. */
  deadLetterQueue: string;
  jobs: J;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

/** A dead-letter queue is named after its queue: `payments` → `payments.dead`. */
export const DEAD_LETTER_SUFFIX = '.dead';

export function defineQueue<J extends Record<string, JobDefinition>>(name: string, jobs: J): QueueDefinition<J> {
  return { name, deadLetterQueue: `${name}${DEAD_LETTER_SUFFIX}`, jobs };
}
