import { countPendingOutbox, createDatabase } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { OutboxRelay, StaleWorkRedriver } from '@switchyard/outbox';
import { QueueProducer, createRedis } from '@switchyard/queues';
import { defaultSettings, loadSettings } from '@switchyard/settings';
import { connectionsFromEnv, readConnectionsFile, resolveConnections } from './connections/connections';
import { loadEnv } from './env';
import { createReceiverMetrics } from './http/metrics';
import { createServer } from './server';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger({ service: 'receiver', level: env.LOG_LEVEL });
  const settings = env.SWITCHYARD_CONFIG ? loadSettings(env.SWITCHYARD_CONFIG, env.variables) : defaultSettings();
  const connections = resolveConnections([connectionsFromEnv(env), ...(env.SWITCHYARD_CONFIG ? [readConnectionsFile(env.SWITCHYARD_CONFIG, env.variables)] : [])]);
  const database = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined); // reconnects on its own; the relay logs what matters
  const producer = new QueueProducer(redis, env.QUEUE_PREFIX);
  const relay = new OutboxRelay({ database, producer, logger, pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS });
  const redriver = new StaleWorkRedriver({ database, relay, logger, staleAfterMs: env.REDRIVE_STALE_AFTER_MS, intervalMs: env.REDRIVE_INTERVAL_MS });
  const metrics = createReceiverMetrics(() => countPendingOutbox(database));
  const app = createServer({ database, redis, connections, forms: settings.forms, logger, metrics, bodyLimitBytes: env.BODY_LIMIT_BYTES, formBodyLimitBytes: env.FORM_BODY_LIMIT_BYTES, publicBaseUrl: env.PUBLIC_BASE_URL, trustProxy: env.TRUST_PROXY, onStored: () => relay.wake() });

  relay.start();
  redriver.start();
  const server = app.listen(env.RECEIVER_PORT, () => {
    logger.info('receiver listening', { port: env.RECEIVER_PORT, providers: Object.fromEntries(Object.entries(connections).map(([p, c]) => [p, Object.keys(c)])), forms: Object.keys(settings.forms) });
  });

  const shutdown = async (signal: string) => {
    logger.info('shutting down', { signal });
    server.close();
    await redriver.stop();
    await relay.stop();
    await producer.close();
    redis.disconnect();
    await database.destroy().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
