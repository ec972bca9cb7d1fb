import { z } from 'zod';
import { API_PROVIDERS } from '../apis/types';

export const THROTTLES = [
  'hubspot_ten_secondly',
  'hubspot_daily',
  'meta_130429',
  'meta_131056',
  'meta_80007',
  'meta_4',
  'twilio_20429',
  'stripe_rate_limit',
  'salesforce_request_limit',
] as const;
export type Throttle = (typeof THROTTLES)[number];

export const FAULT_TYPES = ['latency', 'error', 'rate_limit', 'reset', 'hang', 'throttle'] as const;

/**
 * One fault rule. `rate` is the chance it fires on a matching request (seeded dice);
 * `burst` limits it to the next N matching requests, `count` to N firings.
 */
export const faultRuleSchema = z
  .object({
    provider: z.enum([...API_PROVIDERS, '*']).default('*'),
    /** Glob on the request path (`*` one segment, `**` anything); no wildcard = prefix. */
    path: z.string().startsWith('/').optional(),
    method: z.string().transform((m) => m.toUpperCase()).optional(),
    type: z.enum(FAULT_TYPES),
    /** latency: added delay; hang: answer (normally) after this long; omitted for hang = never answer. */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    afterMs: z.number().int().min(0).max(3_600_000).optional(),
    /** error: the status, or a list to draw from (default [500, 502, 503]). */
    status: z.union([z.number().int().min(400).max(599), z.array(z.number().int().min(400).max(599)).min(1)]).optional(),
    /** rate_limit / throttle: Retry-After seconds (default 1) and its format. */
    retryAfter: z.number().int().min(0).optional(),
    retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
    throttle: z.enum(THROTTLES).optional(),
    rate: z.number().min(0).max(1).default(1),
    burst: z.number().int().min(1).optional(),
    count: z.number().int().min(1).optional(),
    seed: z.number().int().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.type === 'latency' && rule.latencyMs === undefined) ctx.addIssue({ code: 'custom', path: ['latencyMs'], message: 'latency rules need latencyMs' });
    if (rule.type === 'throttle' && rule.throttle === undefined) ctx.addIssue({ code: 'custom', path: ['throttle'], message: `throttle rules need throttle (${THROTTLES.join(', ')})` });
  });

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRuleSpec = z.output<typeof faultRuleSchema>;

export const faultRequestSchema = z.union([
  z.object({ seed: z.number().int().optional(), rules: z.array(faultRuleSchema).min(1) }).strict(),
  faultRuleSchema,
]);
