import { z } from 'zod';
import { opsEventStatuses, type EventFilter } from '@switchyard/db';
import { decodeCursor, type EventCursor } from './event-cursor';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

const isoDate = z.string().transform((value, ctx) => {
  const date = ISO_DATE.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an ISO 8601 date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)` });
    return z.NEVER;
  }
  return date;
});

const text = z.string().min(1, 'must not be empty');

const querySchema = z
  .strictObject(
    {
      provider: text.optional(),
      type: text.optional(),
      status: z.enum(opsEventStatuses, { error: (issue) => `"${String(issue.input)}" is not an event status (one of: ${opsEventStatuses.join(', ')})` }).optional(),
      providerEventId: text.optional(),
      from: isoDate.optional(),
      to: isoDate.optional(),
      limit: z.coerce
        .number({ error: 'must be a number' })
        .int(`must be an integer from 1 to ${MAX_LIMIT}`)
        .min(1, `must be an integer from 1 to ${MAX_LIMIT}`)
        .max(MAX_LIMIT, `must be an integer from 1 to ${MAX_LIMIT}`)
        .default(DEFAULT_LIMIT),
      cursor: z
        .string()
        .transform((raw, ctx) => {
          const cursor = decodeCursor(raw);
          if (!cursor) {
            ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page (pass nextCursor as is)' });
            return z.NEVER;
          }
          return cursor;
        })
        .optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter(s): ${issue.keys.join(', ')}` : undefined) },
  )
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: '"from" must be before "to"', path: ['from'] });

export interface EventQuery {
  filter: EventFilter;
  cursor: EventCursor | null;
  limit: number;
}

export type ParsedEventQuery = { ok: true; query: EventQuery } | { ok: false; message: string };

/** Validates `/api/events` query parameters; the message names each bad parameter and value. */
export function parseEventQuery(raw: unknown): ParsedEventQuery {
  const result = querySchema.safeParse(raw);
  if (!result.success) {
    const message = result.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
    return { ok: false, message };
  }
  const { cursor, limit, ...filter } = result.data;
  return { ok: true, query: { filter, cursor: cursor ?? null, limit } };
}
