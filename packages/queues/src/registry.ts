import { z } from 'zod';
import { queueNames, type QueueName } from '@switchyard/domain';
import { defineJob, defineQueue, type QueueDefinition } from './define';

/**
 * `traceparent`: the W3C trace context of the work that queued the job, so the worker continues
 * its trace (absent while tracing is off). Optional and additive, so jobs queued before it
 * existed still parse and workers that predate it drop it: no new job version is needed.
 */
const traceparent = z.string().max(128).optional();

/**
 * Every queue and job of the fleet. Queue and job names are permanent once released: a job's
 * payload changes by adding a new versioned name (`.v2`), never by editing a released one,
 * because jobs outlive deploys.
 */
export const eventJobData = z.object({ eventId: z.string().uuid(), traceparent });

export const effectJobData = z.object({ effectId: z.string().uuid(), traceparent });

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
} as const satisfies { [Q in QueueName]: QueueDefinition };

export type Registry = typeof registry;
export { queueNames, type QueueName };
export type JobName<Q extends QueueName> = keyof Registry[Q]['jobs'] & string;
export type JobData<Q extends QueueName, J extends JobName<Q>> = Registry[Q]['jobs'][J] extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;

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

/**
 * Job ids are derived from what the job is about, so enqueueing the same work twice (outbox
 * re-dispatch, stale-work re-drive) is ignored by BullMQ. No `:` and never a pure integer. Every
 * job id of the fleet is built here.
 */
export function eventJobId(queue: QueueName, eventId: string): string {
  return `${queue}.evt.${eventId}`;
}

export function effectJobId(queue: QueueName, effectId: string): string {
  return `${queue}.eff.${effectId}`;
}

export function isQueueName(name: string): name is QueueName {
  return (queueNames as readonly string[]).includes(name);
}

/** The perform-effect job (name and id) of one ledger effect, as its outbox row carries it. */
export function performEffectJobOf(queue: string, effectId: string): { jobName: string; jobId: string } {
  if (!isQueueName(queue)) throw new Error(`effect ${effectId} names no known queue ("${queue}")`);
  return { jobName: performEffectJob[queue], jobId: effectJobId(queue, effectId) };
}

/** A person's explicit resend of an effect (ops console): a new job beside the original one. */
export function effectResendJobId(queue: QueueName, effectId: string, n: number): string {
  return `${effectJobId(queue, effectId)}.resend${n}`;
}

/** A person's retry of a failed effect (ops console): a new job, since the failed one keeps its id. */
export function effectRetryJobId(queue: QueueName, effectId: string, n: number): string {
  return `${effectJobId(queue, effectId)}.retry${n}`;
}

/** The job a dead letter was copied from, without the re-drive suffix a re-added copy carries. */
export function rootJobId(jobId: string): string {
  return jobId.replace(/\.r\d+$/, '');
}

/** The n-th re-added copy of a dead-lettered job. */
export function redriveJobId(jobId: string, n: number): string {
  return `${rootJobId(jobId)}.r${n}`;
}

/** A job's copy in its queue's dead-letter queue: deterministic, so copying one failure twice is harmless. */
export function deadLetterJobId(jobId: string): string {
  return `${jobId}.dead`;
}

export function lookupJob(queue: string, job: string) {
  const q = (registry as Record<string, { jobs: Record<string, { schema: z.ZodType; retry: { attempts: number; backoffMs: number; jitter: number }; timeoutMs: number }> }>)[queue];
  const def = q?.jobs[job];
  if (!def) throw new Error(`unknown job "${job}" on queue "${queue}"`);
  return def;
}
