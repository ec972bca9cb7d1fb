import './telemetry';
import { shutdownTelemetry } from '@switchyard/telemetry';
import { createDatabase } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { createRedis, surviveRedisConnectionLoss } from '@switchyard/queues';
import { defaultSettings, loadSettings } from '@switchyard/settings';
import { connectionsFromEnv, readConnectionsFile, resolveConnections } from './connections/connections';
import { loadEnv } from './env';
import { createReceiver } from './receiver-app';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger({ service: 'receiver', level: env.LOG_LEVEL });
  // A Redis restart must not end the process (see surviveRedisConnectionLoss).
  surviveRedisConnectionLoss(logger);
  const settings = env.SWITCHYARD_CONFIG ? loadSettings(env.SWITCHYARD_CONFIG, env.variables) : defaultSettings();
  const connections = resolveConnections([connectionsFromEnv(env), ...(env.SWITCHYARD_CONFIG ? [readConnectionsFile(env.SWITCHYARD_CONFIG, env.variables)] : [])]);
  const database = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, poolMode: env.DATABASE_POOL_MODE });
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined); // reconnects on its own; the relay logs what matters
  const receiver = createReceiver(
    { database, redis, connections, forms: settings.forms, logger },
    {
      prefix: env.QUEUE_PREFIX,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      formBodyLimitBytes: env.FORM_BODY_LIMIT_BYTES,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      trustProxy: env.TRUST_PROXY,
      outboxPollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      ingestBatch: { maxDeliveries: env.INGEST_BATCH_MAX_DELIVERIES, maxInFlight: env.INGEST_STATEMENTS_IN_FLIGHT },
      redriveStaleAfterMs: env.REDRIVE_STALE_AFTER_MS,
      redriveIntervalMs: env.REDRIVE_INTERVAL_MS,
    },
  );
  await receiver.start(env.RECEIVER_PORT);

  const shutdown = async (signal: string) => {
    logger.info('shutting down', { signal });
    await receiver.stop();
    redis.disconnect();
    await database.destroy().catch(() => undefined);
    await shutdownTelemetry().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
