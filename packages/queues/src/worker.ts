import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { bullmqTelemetry } from '@switchyard/telemetry';
import type { Redis } from './connection';
import { classify, type AppError, AppError as AppErrorClass } from '@switchyard/errors';
import { queuePrefix } from './queue-prefix';
import { deadLetterJobId, lookupJob, performEffectJob, processEventJob, registry, type JobData, type JobName, type QueueName } from './registry';

export interface JobContext {
  job: Job;
  attempt: number;
}

/** A worker must handle every job of its queue: a missing handler is a compile error. */
export type Handlers<Q extends QueueName> = { [J in JobName<Q>]: (data: JobData<Q, J>, ctx: JobContext) => Promise<void> };

/** The two jobs every worker queue has, by what they do. */
export interface WorkerJobHandlers {
  processEvent(data: { eventId: string }, ctx: JobContext): Promise<void>;
  performEffect(data: { effectId: string }, ctx: JobContext): Promise<void>;
}

const byQueue: { [Q in QueueName]: (h: WorkerJobHandlers) => Handlers<Q> } = {
  payments: (h) => ({ [processEventJob.payments]: h.processEvent, [performEffectJob.payments]: h.performEffect }),
  crm: (h) => ({ [processEventJob.crm]: h.processEvent, [performEffectJob.crm]: h.performEffect }),
  whatsapp: (h) => ({ [processEventJob.whatsapp]: h.processEvent, [performEffectJob.whatsapp]: h.performEffect }),
};

/** A worker queue's handlers under its versioned job names. */
export function workerJobHandlers<Q extends QueueName>(queue: Q, h: WorkerJobHandlers): Handlers<Q> {
  return byQueue[queue](h);
}

/** One failed attempt, as the worker classified it. */
export interface AttemptError {
  attempt: number;
  message: string;
  code?: string;
  kind: string;
  at: string;
}

export interface DeadLetter {
  queue: string;
  jobName: string;
  jobId: string;
  data: unknown;
  attemptsMade: number;
  /** The failure that ended it. */
  error: { message: string; code?: string; kind: string };
  /** Every failed attempt in order, each with its classification (rate-limit waits are not failures). */
  errors: AttemptError[];
  failedAt: string;
}

const ATTEMPT_LOG = 'attempt-error ';

export interface QueueWorkerOptions<Q extends QueueName> {
  queue: Q;
  connection: Redis;
  prefix: string;
  concurrency: number;
  handlers: Handlers<Q>;
  /** Called once a job has failed for good, after it is copied to the dead-letter queue. */
  onDead?: (dead: DeadLetter) => Promise<void>;
  onError?: (err: Error) => void;
  /** Lock and stall detection: how soon a job of a crashed worker runs again elsewhere. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How often one job may be found stalled (its worker died) before it counts as failed. */
  maxStalledCount?: number;
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Runs registry handlers with the fleet's failure policy: permanent errors skip the remaining
 * attempts, rate limits wait what the provider asked without using an attempt, anything else
 * backs off; a job that fails for good is copied to the queue's dead-letter queue.
 */
export function createQueueWorker<Q extends QueueName>(opts: QueueWorkerOptions<Q>): { worker: Worker; deadLetters: Queue; close(): Promise<void> } {
  const def = registry[opts.queue];
  // The dead-letter queue shares the queue's hash tag: both live on one Redis Cluster node. The move
  // itself is two commands (the failure, then this add), not one atomic script; the deterministic
  // dead-letter id makes a repeated copy harmless.
  const deadLetters = new Queue(def.deadLetterQueue, { connection: opts.connection, prefix: queuePrefix(opts.prefix, def.deadLetterQueue) });
  deadLetters.on('error', (err) => opts.onError?.(err));
  const handlers = opts.handlers as Record<string, (data: unknown, ctx: JobContext) => Promise<void>>;

  const worker = new Worker(
    def.name,
    async (job, token) => {
      const jobDef = lookupJob(def.name, job.name);
      const handler = handlers[job.name];
      if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" on queue "${def.name}"`);
      const data = jobDef.schema.parse(job.data);
      try {
        await timeout(handler(data, { job, attempt: job.attemptsMade + 1 }), jobDef.timeoutMs, `job ${job.name}`);
      } catch (err) {
        const kind = classify(err);
        if (kind !== 'rate_limited') {
          const entry: AttemptError = { attempt: job.attemptsMade + 1, message: describe(err), ...(err instanceof AppErrorClass ? { code: err.code } : {}), kind, at: new Date().toISOString() };
          await job.log(ATTEMPT_LOG + JSON.stringify(entry)).catch(() => undefined);
        }
        if (kind === 'permanent') throw new UnrecoverableError(describe(err));
        if (kind === 'rate_limited' && token) {
          const wait = (err as AppError).retryAfterMs ?? 1000;
          await job.moveToDelayed(Date.now() + wait, token);
          throw new DelayedError();
        }
        throw err;
      }
    },
    {
      connection: opts.connection,
      prefix: queuePrefix(opts.prefix, def.name),
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? opts.lockDurationMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 5,
      // BullMQ's own hook: a consumer span per job, continuing the trace in the job's telemetry metadata.
      telemetry: bullmqTelemetry(),
    },
  );

  const source = new Queue(def.name, { connection: opts.connection, prefix: queuePrefix(opts.prefix, def.name) });
  source.on('error', (err) => opts.onError?.(err));
  const attemptErrors = async (jobId: string): Promise<AttemptError[]> => {
    const { logs } = await source.getJobLogs(jobId, 0, 99).catch(() => ({ logs: [] as string[] }));
    return logs.filter((l) => l.startsWith(ATTEMPT_LOG)).map((l) => JSON.parse(l.slice(ATTEMPT_LOG.length)) as AttemptError);
  };

  worker.on('failed', (job, err) => {
    if (!job || !isFinalFailure(job, err)) return;
    void (async () => {
      const errors = await attemptErrors(String(job.id));
      const last = errors[errors.length - 1];
      const dead: DeadLetter = {
        queue: def.name,
        jobName: job.name,
        jobId: String(job.id),
        data: job.data,
        attemptsMade: job.attemptsMade,
        error: { message: err.message, code: err instanceof AppErrorClass ? err.code : last?.code, kind: err instanceof UnrecoverableError ? 'permanent' : classify(err) },
        errors,
        failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
      };
      // Deterministic id: copying the same failure twice (a crash between the two steps) is harmless.
      await deadLetters.add('dead-letter.v1', dead, { jobId: deadLetterJobId(dead.jobId), removeOnComplete: false, removeOnFail: false });
      await opts.onDead?.(dead);
    })()
      .catch((e: Error) => opts.onError?.(e));
  });
  worker.on('error', (err) => opts.onError?.(err));
  // A job re-driven from Bull Board (retry of a failed job) that now completed leaves no dead letter behind.
  worker.on('completed', (job) => {
    if (job.failedReason) deadLetters.remove(deadLetterJobId(String(job.id))).catch((e: Error) => opts.onError?.(e));
  });

  return {
    worker,
    deadLetters,
    close: async () => {
      await worker.close();
      await deadLetters.close();
      await source.close();
    },
  };
}

function isFinalFailure(job: Job, err: Error): boolean {
  if (err instanceof DelayedError) return false;
  return err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
}

function describe(err: unknown): string {
  if (err instanceof AppErrorClass) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
