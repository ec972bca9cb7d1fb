import { createRedis, isCluster, queuePrefix, scanKeys } from '@switchyard/queues';
import { OwnRedisCluster } from './own-redis-cluster';

describe('OwnRedisCluster', () => {
  const cluster = new OwnRedisCluster({ masters: 3 });
  afterAll(() => cluster.stop());

  it('starts three masters covering every slot, reachable through createRedis with its URL', async () => {
    await cluster.start();
    const masters = (await cluster.nodes()).filter((n) => n.role === 'master');
    expect(masters).toHaveLength(3);
    const redis = createRedis(cluster.url, 'producer');
    try {
      expect(isCluster(redis)).toBe(true);
      // A producer connection fails fast rather than queue commands: wait until it has the slot map.
      await new Promise((resolve) => redis.once('ready', resolve));
      await redis.set(`${queuePrefix('t', 'payments')}:x`, '1');
      await redis.set(`${queuePrefix('t', 'crm')}:x`, '1');
      expect((await scanKeys(redis, 't:*')).sort()).toEqual(['t:{crm}:x', 't:{payments}:x']);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
