import { z } from 'zod';
import { faultRuleSchema } from '../faults/fault-rule';
import { parseDuration } from '../support/duration';
import { WEBHOOK_PROVIDERS } from '../webhooks/types';

const duration = z.union([z.number().min(0), z.string()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const triggerStep = z
  .object({
    provider: z.enum(WEBHOOK_PROVIDERS),
    event: z.string().min(1),
    count: z.number().int().min(1).max(1000).optional(),
    duplicate: z.number().int().min(0).max(100).optional(),
    shuffle: z.boolean().optional(),
    /** Scenario time between deliveries. */
    delay: duration.optional(),
    seed: z.number().int().optional(),
    connection: z.string().optional(),
    source: z.string().optional(),
    maxAttempts: z.number().int().min(1).optional(),
  })
  .strict();

const ACTIONS = ['trigger', 'faults', 'clearFaults', 'wait', 'reset', 'log'] as const;

const stepSchema = z
  .object({
    name: z.string().optional(),
    trigger: triggerStep.optional(),
    faults: z.array(faultRuleSchema).min(1).optional(),
    clearFaults: z.literal(true).optional(),
    /** Scenario time, divided by the time scale. */
    wait: duration.optional(),
    reset: z.literal(true).optional(),
    log: z.string().optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    const present = ACTIONS.filter((key) => step[key] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a step needs exactly one of ${ACTIONS.join(', ')} (found ${present.length ? present.join(', ') : 'none'})` });
    }
  });

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** Scenario durations (waits, delays, retry schedules) are divided by this. Default 1. */
    timeScale: z.number().positive().default(1),
    seed: z.number().int().default(1),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioStep = Scenario['steps'][number];
