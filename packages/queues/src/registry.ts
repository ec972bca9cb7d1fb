import { z } from 'zod';
import { defineJob, defineQueue } from './define';

/**
 * Every queue and job of the fleet. Queue and job names are permanent once released: a job's
 * payload changes by adding a new versioned name (`.v2`), never by editing a released one,
 * because jobs outlive deploys.
 */
export const eventJobData = z.object({ eventId: z.string().uuid() });

export const effectJobData = z.object({ effectId: z.string().uuid() });

const eventRetry = { attempts: 8, backoffMs: 1000, jitter: 0.3 };
/** Outbound calls: more attempts, since a provider outage is the usual reason they fail. */
const effectRetry = { attempts: 10, backoffMs: 1000, jitter: 0.3 };

export const registry = {
  payments: defineQueue('payments', {
    'payments.process-event.v1': defineJob({ schema: eventJobData, retry: eventRetry, timeoutMs: 30_000 }),
    'payments.perform-effect.v1': defineJob({ schema: effectJobData, retry: effectRetry, timeoutMs: 30_000 }),
  }),
  crm: defineQueue('crm', {
    'crm.process-event.v1': defineJob({ schema: eventJobData, retry: eventRetry, timeoutMs: 30_000 }),
    'crm.perform-effect.v1': defineJob({ schema: effectJobData, retry: effectRetry, timeoutMs: 30_000 }),
  }),
  whatsapp: defineQueue('whatsapp', {
    'whatsapp.process-event.v1': defineJob({ schema: eventJobData, retry: eventRetry, timeoutMs: 30_000 }),
    'whatsapp.perform-effect.v1': defineJob({ schema: effectJobData, retry: effectRetry, timeoutMs: 30_000 }),
  }),
} as const;

export type Registry = typeof registry;
export type QueueName = keyof Registry;
export type JobName<Q extends QueueName> = keyof Registry[Q]['jobs'] & string;
export type JobData<Q extends QueueName, J extends JobName<Q>> = Registry[Q]['jobs'][J] extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;

export const queueNames = Object.keys(registry) as QueueName[];

/** The job that processes one inbound event on the queue its canonical type routes to. */
export const processEventJob = {
  payments: 'payments.process-event.v1',
  crm: 'crm.process-event.v1',
  whatsapp: 'whatsapp.process-event.v1',
} as const satisfies { [Q in QueueName]: JobName<Q> };

/** The job that performs one effect from the ledger, on the queue of the worker that owns its provider. */
export const performEffectJob = {
  payments: 'payments.perform-effect.v1',
  crm: 'crm.perform-effect.v1',
  whatsapp: 'whatsapp.perform-effect.v1',
} as const satisfies { [Q in QueueName]: JobName<Q> };

export function effectJobId(queue: QueueName, effectId: string): string {
  return `${queue}.eff.${effectId}`;
}

/**
 * Job ids are derived from what the job is about, so enqueueing the same work twice (outbox
 * re-dispatch, reconciler re-drive) is ignored by BullMQ. No `:` and never a pure integer.
 */
export function eventJobId(queue: QueueName, eventId: string): string {
  return `${queue}.evt.${eventId}`;
}

export function lookupJob(queue: string, job: string) {
  const q = (registry as Record<string, { jobs: Record<string, { schema: z.ZodType; retry: { attempts: number; backoffMs: number; jitter: number }; timeoutMs: number }> }>)[queue];
  const def = q?.jobs[job];
  if (!def) throw new Error(`unknown job "${job}" on queue "${queue}"`);
  return def;
}
