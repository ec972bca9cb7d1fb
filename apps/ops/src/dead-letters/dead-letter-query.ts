import { z } from 'zod';
import { queueNames } from '@switchyard/queues';
import { isoDate, limit, reason, REASON_MESSAGE, unknownKeys } from '../validation/parse-request';

export const errorKinds = ['permanent', 'retryable', 'rate_limited'] as const;

const queue = z.enum(queueNames, { error: (issue) => `"${String(issue.input)}" is not a queue (one of: ${queueNames.join(', ')})` });
const errorKind = z.enum(errorKinds, { error: (issue) => `"${String(issue.input)}" is not an error kind (one of: ${errorKinds.join(', ')})` });
const errorCode = z.string().min(1, 'must not be empty');
/** In a bulk filter, null picks the dead letters that have none (no classified code, no known provider). */
const orNone = (schema: z.ZodString) => schema.nullable().optional();
const provider = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export interface DeadLetterFilter {
  queue?: (typeof queueNames)[number];
  errorKind?: (typeof errorKinds)[number];
  /** null: dead letters whose error carried no code. */
  errorCode?: string | null;
  /** failedAt ≥ since */
  since?: Date;
  /** failedAt < until */
  until?: Date;
}

const sinceBeforeUntil = (f: DeadLetterFilter) => !f.since || !f.until || f.since < f.until;

export const deadLetterQuerySchema = z
  .strictObject({ queue: queue.optional(), errorKind: errorKind.optional(), errorCode: errorCode.optional(), since: isoDate.optional(), until: isoDate.optional(), limit: limit(50, 500) }, unknownKeys('parameter'))
  .refine(sinceBeforeUntil, { message: '"since" must be before "until"', path: ['since'] });

/** A bulk filter: the listing's fields, plus the provider of the dead letter's event or effect (matched in Postgres). */
export interface BulkFilter extends DeadLetterFilter {
  /** null: dead letters whose event or effect is no longer stored. */
  provider?: string | null;
}

export const bulkFilterSchema = z
  .strictObject(
    { queue: queue.optional(), provider: orNone(provider), errorKind: errorKind.optional(), errorCode: orNone(errorCode), since: isoDate.optional(), until: isoDate.optional() },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'is required: an object of queue, provider, errorKind, errorCode, since, until ({} matches every dead letter)'
          : unknownKeys('filter field').error(issue),
    },
  )
  .refine(sinceBeforeUntil, { message: '"since" must be before "until"', path: ['since'] });

/** `dryRun: true` previews how many dead letters match (no reason needed: nothing changes). */
export const bulkRetrySchema = z
  .strictObject(
    {
      reason: reason.optional(),
      filter: bulkFilterSchema,
      limit: z.number({ error: 'must be a number' }).int('must be an integer from 1 to 1000').min(1, 'must be an integer from 1 to 1000').max(1000, 'must be an integer from 1 to 1000').default(100),
      dryRun: z.boolean({ error: 'must be true or false' }).default(false),
    },
    unknownKeys('field'),
  )
  .superRefine((body, ctx) => {
    if (!body.dryRun && body.reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: REASON_MESSAGE });
  });

export const retryOneSchema = z.strictObject({ reason }, unknownKeys('field'));
