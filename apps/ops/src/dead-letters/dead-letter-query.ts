import { z } from 'zod';
import { queueNames } from '@switchyard/queues';
import { isoDate, limit, reason, unknownKeys } from '../validation/parse-request';

export const errorKinds = ['permanent', 'retryable', 'rate_limited'] as const;

const queue = z.enum(queueNames, { error: (issue) => `"${String(issue.input)}" is not a queue (one of: ${queueNames.join(', ')})` });
const errorKind = z.enum(errorKinds, { error: (issue) => `"${String(issue.input)}" is not an error kind (one of: ${errorKinds.join(', ')})` });
const errorCode = z.string().min(1, 'must not be empty');

export interface DeadLetterFilter {
  queue?: (typeof queueNames)[number];
  errorKind?: (typeof errorKinds)[number];
  errorCode?: string;
  /** failedAt ≥ since */
  since?: Date;
  /** failedAt < until */
  until?: Date;
}

const sinceBeforeUntil = (f: DeadLetterFilter) => !f.since || !f.until || f.since < f.until;

export const deadLetterQuerySchema = z
  .strictObject({ queue: queue.optional(), errorKind: errorKind.optional(), errorCode: errorCode.optional(), since: isoDate.optional(), until: isoDate.optional(), limit: limit(50, 500) }, unknownKeys('parameter'))
  .refine(sinceBeforeUntil, { message: '"since" must be before "until"', path: ['since'] });

export const bulkRetrySchema = z.strictObject(
  {
    reason,
    filter: z
      .strictObject(
        { queue: queue.optional(), errorKind: errorKind.optional(), errorCode: errorCode.optional(), since: isoDate.optional(), until: isoDate.optional() },
        {
          error: (issue) =>
            issue.input === undefined ? 'is required: an object of queue, errorKind, errorCode, since, until ({} matches every dead letter)' : unknownKeys('filter field').error(issue),
        },
      )
      .refine(sinceBeforeUntil, { message: '"since" must be before "until"', path: ['since'] }),
    limit: z.number({ error: 'must be a number' }).int('must be an integer from 1 to 1000').min(1, 'must be an integer from 1 to 1000').max(1000, 'must be an integer from 1 to 1000').default(100),
  },
  unknownKeys('field'),
);

export const retryOneSchema = z.strictObject({ reason }, unknownKeys('field'));
