import { createPool } from '@switchyard/db';
import { createRedis } from '@switchyard/queues';
import { readiness } from '@switchyard/db';

// A port nothing listens on: both probes must answer "down" with the reason, within the timeout.
const DEAD_PORT = 1;

it('is ready when Postgres and Redis answer, and names what is down when one does not', async () => {
  const pool = createPool({ url: process.env.DATABASE_URL ?? '', poolSize: 1 });
  const deadPool = createPool({ url: `postgresql://root@127.0.0.1:${DEAD_PORT}/none`, poolSize: 1, connectTimeoutMs: 500 });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer');
  const deadRedis = createRedis(`redis://127.0.0.1:${DEAD_PORT}`, 'producer');
  deadRedis.on('error', () => undefined);
  try {
    // A fail-fast connection refuses commands until it is connected.
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    expect(await readiness(pool, redis)).toEqual({ ready: true, postgres: 'ok', redis: 'ok' });
    const noPostgres = await readiness(deadPool, redis, 1000);
    expect(noPostgres).toMatchObject({ ready: false, redis: 'ok' });
    expect(noPostgres.postgres).toMatch(/^down: /);
    const noRedis = await readiness(pool, deadRedis, 1000);
    expect(noRedis).toMatchObject({ ready: false, postgres: 'ok' });
    expect(noRedis.redis).toMatch(/^down: /);
  } finally {
    redis.disconnect();
    deadRedis.disconnect();
    await Promise.all([pool.end(), deadPool.end()]);
  }
});
