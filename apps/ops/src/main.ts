import { createDatabase } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { createRedis } from '@switchyard/queues';
import { loadSettings } from '@switchyard/settings';
import { loadEnv } from './env';
import { createServer } from './server';

async function main(): Promise<void> {
  const env = loadEnv();
  // Read before any connection: a plain-text password or a bad role stops the start with the key named.
  const settings = env.SWITCHYARD_CONFIG ? loadSettings(env.SWITCHYARD_CONFIG, env.variables) : undefined;
  const logger = createLogger({ service: 'ops', level: env.LOG_LEVEL });
  const db = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  // Fail fast: a dashboard should show an error, not hang, while Redis is away.
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined); // reconnects on its own; /readyz reports it
  const app = createServer({ db, redis, prefix: env.QUEUE_PREFIX, token: env.OPS_TOKEN, logger, authFailuresPerMinute: env.OPS_AUTH_FAILURES_PER_MINUTE, trustProxy: env.TRUST_PROXY, console: settings?.console });

  const server = app.listen(env.OPS_PORT, () => {
    logger.info('ops listening', { port: env.OPS_PORT, bullBoard: '/ops/queues', prefix: env.QUEUE_PREFIX, consoleUsers: settings?.console?.users.length ?? 0 });
  });

  const shutdown = async (signal: string) => {
    logger.info('shutting down', { signal });
    server.close();
    redis.disconnect();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
