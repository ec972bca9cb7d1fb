import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { createRedis, isCluster, queueNames, queuePrefix, registry, scanKeys, type QueueName } from '@switchyard/queues';
import { OwnRedisCluster } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';

/**
 * On a Redis Cluster the queues really are spread: each queue's keys (and its dead-letter
 * queue's) sit on one master, and the queues together use more than one. Runs on the cluster of
 * the test run when REDIS_URL names one (scripts/test.sh's cluster run), otherwise on a
 * 3-master cluster of its own.
 */
describe('queues on a Redis Cluster', () => {
  const runCluster = process.env.REDIS_URL?.startsWith('redis+cluster://') ? process.env.REDIS_URL : undefined;
  let own: OwnRedisCluster | undefined;
  let fleet: Fleet;

  beforeAll(async () => {
    let redisUrl = runCluster;
    if (!redisUrl) {
      own = new OwnRedisCluster({ masters: 3 });
      await own.start();
      redisUrl = own.url;
    }
    fleet = await startFleet({ redisUrl });
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await own?.stop();
  });

  it('puts each queue with its dead-letter queue on one master, and the queues on more than one master', async () => {
    // Work for all three queues: a payment (payments → whatsapp receipt, crm deal and note).
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject: createSubject(mulberry32(16)), to: fleet.receiverUrl }));
    await fleet.settled();

    const redis = createRedis(fleet.redisUrl, 'worker');
    try {
      await new Promise((resolve) => redis.once('ready', resolve));
      if (!isCluster(redis)) throw new Error('expected a Redis Cluster connection');
      const holders = new Map<QueueName, Set<string>>();
      for (const node of redis.nodes('master')) {
        const where = `${node.options.host}:${node.options.port}`;
        for (const queue of queueNames) {
          const keys = await scanKeys(node, `${fleet.prefix}:*{${queue}}*`);
          if (keys.length === 0) continue;
          holders.set(queue, new Set([...(holders.get(queue) ?? []), where]));
          // Every key there belongs to the queue or its dead-letter queue, under the queue's tag, and
          // the dead-letter queue is there (its meta hash, written when the worker opened it).
          for (const key of keys) expect(key).toMatch(new RegExp(`^${queuePrefix(fleet.prefix, queue).replace(/[{}]/g, '\\$&')}:${queue}(\\.dead)?:`));
          expect(keys).toContain(`${queuePrefix(fleet.prefix, registry[queue].deadLetterQueue)}:${registry[queue].deadLetterQueue}:meta`);
        }
      }
      const placement = Object.fromEntries(queueNames.map((q) => [q, [...(holders.get(q) ?? [])]]));
      console.log(`queues on the cluster's masters: ${JSON.stringify(placement)}`);
      for (const queue of queueNames) {
        expect([queue, holders.get(queue)?.size]).toEqual([queue, 1]);
      }
      expect(new Set(Object.values(placement).flat()).size).toBeGreaterThan(1);
    } finally {
      redis.disconnect();
    }
  });
});
