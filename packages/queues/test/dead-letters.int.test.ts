import { randomUUID } from 'node:crypto';
import { PermanentError, RateLimitedError, RetryableError } from '@switchyard/errors';
import { Queue, createQueueWorker, createRedis, deleteKeys, eventJobId, processEventJob, queuePrefix, type DeadLetter, type Handlers } from '../src';
import { QueueProducer } from '../src/producer';

// @switchyard/testing depends on this package, so its two helpers are written out here.
const testPrefix = () => `sy-test-${randomUUID().slice(0, 8)}`;
async function eventually(check: () => Promise<boolean>, timeoutMs: number, everyMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The dead letter keeps every failed attempt with its classification; rate-limit waits are not attempts. */
describe('dead letters', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix();
  const connection = createRedis(redisUrl, 'worker');
  const producerRedis = createRedis(redisUrl, 'producer');
  const producer = new QueueProducer(producerRedis, prefix);
  const dead: DeadLetter[] = [];
  let calls = 0;
  const handlers = {
    'payments.process-event.v1': async () => {
      calls += 1;
      if (calls === 1) throw new RetryableError('gateway answered 503', 'HTTP_503');
      if (calls === 2) throw new RateLimitedError('slow down', 'HTTP_429', 50);
      if (calls === 3) throw new RetryableError('socket hang up', 'NETWORK_ECONNRESET');
      throw new PermanentError('hubspot 400 VALIDATION_ERROR', 'HUBSPOT_400_VALIDATION_ERROR');
    },
    'payments.perform-effect.v1': async () => undefined,
  } as Handlers<'payments'>;
  const runtime = createQueueWorker({ queue: 'payments', connection, prefix, concurrency: 1, handlers, onDead: async (d) => void dead.push(d) });

  afterAll(async () => {
    await runtime.close();
    await deleteKeys(connection, `${prefix}:*`);
    await producer.close();
    producerRedis.disconnect();
    connection.disconnect();
  });

  it('records each failed attempt with its code and kind, and the permanent one ends it without more attempts', async () => {
    const eventId = randomUUID();
    await eventually(() => Promise.resolve(producerRedis.status === 'ready'), 5000, 20, 'redis');
    await producer.enqueue('payments', processEventJob.payments, { eventId }, eventJobId('payments', eventId));
    await eventually(() => Promise.resolve(dead.length === 1), 20_000, 50, 'the dead letter');
    const letter = dead[0];
    if (!letter) throw new Error('expected the dead letter');
    expect(letter.error).toMatchObject({ kind: 'permanent', code: 'HUBSPOT_400_VALIDATION_ERROR' });
    expect(letter.errors.map((e) => [e.attempt, e.code, e.kind])).toEqual([
      [1, 'HTTP_503', 'retryable'],
      [2, 'NETWORK_ECONNRESET', 'retryable'],
      [3, 'HUBSPOT_400_VALIDATION_ERROR', 'permanent'],
    ]);
    // Four runs, three attempts: the 429 wait used none.
    expect(calls).toBe(4);
    expect(letter.attemptsMade).toBe(3);
    const dlq = new Queue('payments.dead', { connection, prefix: queuePrefix(prefix, 'payments.dead') });
    const stored = await dlq.getJob(`${letter.jobId}.dead`);
    expect((stored?.data as DeadLetter).errors).toHaveLength(3);
    await dlq.close();
  });
});
