import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { PermanentError } from '@switchyard/errors';
import { QueueProducer, createQueueWorker, createRedis, eventJobId, processEventJob, type DeadLetter, type Handlers } from '@switchyard/queues';
import { deadLetterDepthGauge } from '../src/dead-letter-depth';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// @switchyard/testing is not a dependency of this package; its prefix helper is written out here.
const prefix = `{sy-test-${randomUUID().slice(0, 8)}}`;

async function depth(metrics: Registry): Promise<number | undefined> {
  const [metric] = await metrics.getMetricsAsJSON().then((all) => all.filter((m) => m.name === 'switchyard_dead_letter_depth'));
  return metric?.values.find((v) => v.labels.queue === 'crm')?.value;
}

/** The gauge a worker app serves on /metrics, read the way Prometheus scrapes it. */
describe('switchyard_dead_letter_depth', () => {
  const connection = createRedis(redisUrl, 'worker');
  const producerRedis = createRedis(redisUrl, 'producer');
  const producer = new QueueProducer(producerRedis, prefix);
  const metrics = new Registry();
  const gauge = deadLetterDepthGauge({ queue: 'crm', redisUrl, prefix, metrics });
  const dead: DeadLetter[] = [];
  const handlers = {
    'crm.process-event.v1': async () => {
      throw new PermanentError('hubspot 400 VALIDATION_ERROR: property does not exist', 'HUBSPOT_400_VALIDATION_ERROR');
    },
    'crm.perform-effect.v1': async () => undefined,
  } as Handlers<'crm'>;
  const runtime = createQueueWorker({ queue: 'crm', connection, prefix, concurrency: 1, handlers, onDead: async (d) => void dead.push(d) });

  afterAll(async () => {
    await runtime.close();
    await gauge.close();
    const keys = await connection.keys(`${prefix}*`);
    if (keys.length) await connection.del(...keys);
    await producer.close();
    producerRedis.disconnect();
    connection.disconnect();
  });

  it('reads 0 with no dead letters, then the number of dead letters after permanent failures', async () => {
    expect(await depth(metrics)).toBe(0);
    while (producerRedis.status !== 'ready') await new Promise((r) => setTimeout(r, 20));
    for (const eventId of [randomUUID(), randomUUID()]) await producer.enqueue('crm', processEventJob.crm, { eventId }, eventJobId('crm', eventId));
    const deadline = Date.now() + 20_000;
    while (dead.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(dead).toHaveLength(2);
    expect(await depth(metrics)).toBe(2);
  });
});
