import './telemetry';
import { shutdownTelemetry } from '@switchyard/telemetry';
import { createDatabase } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { createRedis } from '@switchyard/queues';
import { defaultSettings, loadSettings } from '@switchyard/settings';
import { AlertEvaluator } from './alerts/alert-evaluator';
import { loadEnv } from './env';
import { OpsQueues } from './queues/ops-queues';
import { createServer } from './server';

async function main(): Promise<void> {
  const env = loadEnv();
  // Read before any connection: a plain-text password, a bad role or a bad alert rule stops the start with the key named.
  const settings = env.SWITCHYARD_CONFIG ? loadSettings(env.SWITCHYARD_CONFIG, env.variables) : defaultSettings();
  const logger = createLogger({ service: 'ops', level: env.LOG_LEVEL });
  const db = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  // Fail fast: a dashboard should show an error, not hang, while Redis is away.
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined); // reconnects on its own; /readyz reports it
  const app = createServer({ db, redis, prefix: env.QUEUE_PREFIX, token: env.OPS_TOKEN, logger, authFailuresPerMinute: env.OPS_AUTH_FAILURES_PER_MINUTE, trustProxy: env.TRUST_PROXY, console: settings.console });

  // Every replica runs the loop; a lease lets one of them evaluate at a time. Its queue handles get a
  // connection with the offline queue on: a BullMQ Queue first used while a fail-fast connection is
  // still opening stays broken for good (see worker-runtime's dead-letter-depth.ts).
  const alertRedis = createRedis(env.REDIS_URL, 'worker');
  alertRedis.on('error', () => undefined);
  const alertQueues = new OpsQueues(alertRedis, env.QUEUE_PREFIX);
  const alerts = settings.alerts.rules.length ? new AlertEvaluator({ database: db, queues: alertQueues, settings: () => settings, logger }) : undefined;
  alerts?.start();

  const server = app.listen(env.OPS_PORT, () => {
    logger.info('ops listening', { port: env.OPS_PORT, bullBoard: '/ops/queues', prefix: env.QUEUE_PREFIX, alertRules: settings.alerts.rules.length, consoleUsers: settings.console?.users.length ?? 0 });
  });

  const shutdown = async (signal: string) => {
    logger.info('shutting down', { signal });
    server.close();
    await alerts?.stop().catch(() => undefined);
    await alertQueues.close().catch(() => undefined);
    alertRedis.disconnect();
    redis.disconnect();
    await db.destroy();
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
