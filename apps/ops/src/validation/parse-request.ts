import type { Response } from 'express';
import { z } from 'zod';

/** `path: message; …` so every error names the field it is about. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/**
 * Parses a request part with `schema`; on failure answers 400 and returns undefined. A missing or
 * blank `reason` gets its own error code, since every write needs one and clients test for it.
 */
export function parseRequest<S extends z.ZodType>(schema: S, raw: unknown, res: Response, where: 'query' | 'body'): z.infer<S> | undefined {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const reasonIssue = result.error.issues.find((issue) => issue.path.length === 1 && issue.path[0] === 'reason');
  if (reasonIssue) {
    res.status(400).json({ error: 'reason_required', message: `reason: ${reasonIssue.message}` });
    return undefined;
  }
  res.status(400).json({ error: where === 'query' ? 'invalid_query' : 'invalid_body', message: describeIssues(result.error) });
  return undefined;
}

export const REASON_MESSAGE = 'a reason is required (say why, for the audit trail)';

/** Every write the console makes says why; the reason lands in the audit trail. */
export const reason = z
  .string({ error: REASON_MESSAGE })
  .trim()
  .min(1, REASON_MESSAGE)
  .max(2000, 'must be at most 2000 characters');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

export const isoDate = z.string().transform((value, ctx) => {
  const date = ISO_DATE.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an ISO 8601 date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)` });
    return z.NEVER;
  }
  return date;
});

export function limit(defaultValue: number, max: number) {
  const message = `must be an integer from 1 to ${max}`;
  return z.coerce.number({ error: 'must be a number' }).int(message).min(1, message).max(max, message).default(defaultValue);
}

/** Strict objects name unknown fields instead of ignoring a typo'd filter. */
export function unknownKeys(what: string) {
  return { error: (issue: { code?: string; keys?: string[] }) => (issue.code === 'unrecognized_keys' ? `unknown ${what}(s): ${(issue.keys ?? []).join(', ')}` : undefined) };
}
