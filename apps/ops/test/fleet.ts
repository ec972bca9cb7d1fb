import { randomBytes, randomUUID } from 'node:crypto';
import { markEventFailed, markEventProcessed, recordInboundEvents } from '@switchyard/db';
import { PermanentError } from '@switchyard/errors';
import { createQueueWorker, effectJobId, eventJobId, jobOptions, lookupJob, performEffectJob, processEventJob, type Handlers, type QueueName } from '@switchyard/queues';
import { eventually, type TestOps } from './harness';

/**
 * A real worker fleet for the ops tests: `createQueueWorker` with handlers that throw a
 * PermanentError for whatever is marked failing, and mark events processed / effects done
 * otherwise. Dead letters it produces are the real thing (copied to `<queue>.dead` by the worker).
 */
export class TestFleet {
  /** Job ids in the order the workers ran them. */
  readonly runs: string[] = [];
  /** eventId/effectId → error code to fail with. */
  readonly failing = new Map<string, string>();
  private readonly running = new Map<QueueName, { close(): Promise<void> }>();
  readonly provider = `ops-fleet-${randomBytes(4).toString('hex')}`;

  constructor(private readonly ops: TestOps) {}

  start(queue: QueueName): void {
    if (this.running.has(queue)) return;
    const { db, database } = this.ops;
    const handlers = {
      [processEventJob[queue]]: async ({ eventId }: { eventId: string }, ctx: { job: { id?: string } }) => {
        this.runs.push(String(ctx.job.id));
        const code = this.failing.get(eventId);
        if (code) throw new PermanentError(`the provider refused event ${eventId}`, code);
        await markEventProcessed(database, eventId);
      },
      [performEffectJob[queue]]: async ({ effectId }: { effectId: string }, ctx: { job: { id?: string } }) => {
        this.runs.push(String(ctx.job.id));
        const code = this.failing.get(effectId);
        if (code) throw new PermanentError(`the provider refused effect ${effectId}`, code);
        await db.effect.update({ where: { id: effectId }, data: { status: 'done', doneAt: new Date() } });
      },
    } as unknown as Handlers<typeof queue>;
    const runtime = createQueueWorker({
      queue,
      connection: this.ops.workerRedis,
      prefix: this.ops.prefix,
      concurrency: 4,
      handlers,
      // What the worker apps do on a final failure: the event goes dead, the effect failed.
      onDead: async (dead) => {
        const data = dead.data as { eventId?: string; effectId?: string };
        if (data.eventId) await markEventFailed(database, { eventId: data.eventId, error: `${dead.error.kind}: ${dead.error.message}`, dead: true });
        if (data.effectId) await db.effect.update({ where: { id: data.effectId }, data: { status: 'failed', lastError: dead.error.message } });
      },
    });
    this.running.set(queue, runtime);
  }

  async stop(queue?: QueueName): Promise<void> {
    for (const [name, runtime] of [...this.running]) {
      if (queue && name !== queue) continue;
      await runtime.close();
      this.running.delete(name);
    }
  }

  runsOf(jobId: string): number {
    return this.runs.filter((id) => id === jobId).length;
  }

  async storeEvent(queue: QueueName, entity?: { type: string; key: string }): Promise<string> {
    const id = randomUUID();
    await recordInboundEvents(this.ops.database, [
      {
        id,
        provider: this.provider,
        connection: 'default',
        providerEventId: `evt_${id}`,
        type: 'charge.failed',
        canonicalType: 'payment.failed',
        queue,
        status: 'received',
        payload: { id: `evt_${id}` },
        canonical: { type: 'payment.failed' },
        headers: {},
        occurredAt: null,
        outbox: null,
      },
    ]);
    await this.ops.db.inboundEvent.update({ where: { id }, data: { status: 'queued', queuedAt: new Date(), ...(entity ? { entityType: entity.type, entityKey: entity.key } : {}) } });
    return id;
  }

  async storeEffect(queue: QueueName, fields: { status?: 'pending' | 'parked'; entity?: { type: string; key: string }; eventId?: string } = {}): Promise<string> {
    const id = randomUUID();
    await this.ops.db.effect.create({
      data: {
        id,
        kind: 'whatsapp.template',
        businessKey: `test:${id}`,
        status: fields.status ?? 'pending',
        queue,
        provider: this.provider,
        connection: 'default',
        idempotencyKey: id,
        eventId: fields.eventId ?? null,
        entityType: fields.entity?.type ?? 'message',
        entityKey: fields.entity?.key ?? id,
        request: { to: '15550001111', template: 'receipt', api_key: 'sk_live_in_request' },
      },
    });
    return id;
  }

  /** Stores an event, fails its job permanently with `code`, and waits for the dead letter. */
  async deadEvent(queue: QueueName, code: string, extraData: Record<string, unknown> = {}): Promise<{ eventId: string; jobId: string; dlqId: string }> {
    const eventId = await this.storeEvent(queue);
    this.failing.set(eventId, code);
    const jobName = processEventJob[queue];
    const jobId = eventJobId(queue, eventId);
    this.start(queue);
    await this.ops.queue(queue).add(jobName, { eventId, ...extraData }, jobOptions(lookupJob(queue, jobName), jobId));
    await this.waitDead(queue, jobId);
    await eventually(async () => (await this.ops.db.inboundEvent.findUnique({ where: { id: eventId } }))?.status === 'dead', 10_000, 50, `event ${eventId} dead`);
    return { eventId, jobId, dlqId: `${jobId}.dead` };
  }

  /** Stores an effect, fails its job permanently with `code`, and waits for the dead letter. */
  async deadEffect(queue: QueueName, code: string): Promise<{ effectId: string; jobId: string; dlqId: string }> {
    const effectId = await this.storeEffect(queue);
    this.failing.set(effectId, code);
    const jobName = performEffectJob[queue];
    const jobId = effectJobId(queue, effectId);
    this.start(queue);
    await this.ops.queue(queue).add(jobName, { effectId }, jobOptions(lookupJob(queue, jobName), jobId));
    await this.waitDead(queue, jobId);
    await eventually(async () => (await this.ops.db.effect.findUnique({ where: { id: effectId } }))?.status === 'failed', 10_000, 50, `effect ${effectId} failed`);
    return { effectId, jobId, dlqId: `${jobId}.dead` };
  }

  private async waitDead(queue: QueueName, jobId: string): Promise<void> {
    await eventually(async () => this.ops.queue(`${queue}.dead`).getJob(`${jobId}.dead`), 10_000, 50, `dead letter of ${jobId}`);
  }

  /**
   * Resolves once the queue has nothing waiting, delayed or running: after that no further run can
   * appear without something enqueueing again, so a test can assert that nothing else ran.
   */
  async drained(queue: QueueName): Promise<void> {
    await eventually(
      async () => Object.values(await this.ops.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')).every((n) => n === 0),
      10_000,
      50,
      `${queue} drained`,
    );
  }

  async jobState(queue: QueueName, jobId: string): Promise<string> {
    const job = await this.ops.queue(queue).getJob(jobId);
    return job ? job.getState() : 'missing';
  }
}
