import './telemetry';
import { shutdownTelemetry } from '@switchyard/telemetry';
import { createDatabase } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { createRedis, surviveRedisConnectionLoss } from '@switchyard/queues';
import { defaultSettings, loadSettings } from '@switchyard/settings';
import { AlertEvaluator } from './alerts/alert-evaluator';
import { RedriveRunner } from './dead-letters/redrive-runner';
import { loadEnv } from './env';
import { OpsQueues } from './queues/ops-queues';
import { createServer } from './server';

async function main(): Promise<void> {
  const env = loadEnv();
  // Read before any connection: a plain-text password, a bad role or a bad alert rule stops the start with the key named.
  const settings = env.SWITCHYARD_CONFIG ? loadSettings(env.SWITCHYARD_CONFIG, env.variables) : defaultSettings();
  const logger = createLogger({ service: 'ops', level: env.LOG_LEVEL });
  // A Redis restart must not end the process (see surviveRedisConnectionLoss).
  surviveRedisConnectionLoss(logger);
  const db = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, poolMode: env.DATABASE_POOL_MODE });
  // Fail fast: a dashboard should show an error, not hang, while Redis is away.
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined); // reconnects on its own; /readyz reports it
  // Every background loop runs in every replica, each with a lease. Their queue handles get a
  // connection with the offline queue on: a BullMQ Queue first used while a fail-fast connection is
  // still opening stays broken for good (see worker-runtime's dead-letter-depth.ts).
  const backgroundRedis = createRedis(env.REDIS_URL, 'worker');
  backgroundRedis.on('error', () => undefined);
  const backgroundQueues = new OpsQueues(backgroundRedis, env.QUEUE_PREFIX);
  // Resumes the bulk re-drives a stopped replica left unfinished (a lease per re-drive lets one replica work on it).
  const redriveRunner = new RedriveRunner({ db, redis: backgroundRedis, queues: backgroundQueues, logger });
  const app = createServer({
    db,
    redis,
    prefix: env.QUEUE_PREFIX,
    token: env.OPS_TOKEN,
    logger,
    authFailuresPerMinute: env.OPS_AUTH_FAILURES_PER_MINUTE,
    trustProxy: env.TRUST_PROXY,
    console: settings.console,
    alertRules: settings.alerts.rules,
    redriveRunner,
  });
  redriveRunner.start();

  // A lease lets one replica evaluate the alert rules at a time.
  const alerts = settings.alerts.rules.length ? new AlertEvaluator({ database: db, queues: backgroundQueues, settings: () => settings, logger }) : undefined;
  alerts?.start();

  const server = app.listen(env.OPS_PORT, () => {
    logger.info('ops listening', { port: env.OPS_PORT, bullBoard: '/ops/queues', prefix: env.QUEUE_PREFIX, alertRules: settings.alerts.rules.length, consoleUsers: settings.console?.users.length ?? 0 });
  });

  const shutdown = async (signal: string) => {
    logger.info('shutting down', { signal });
    server.close();
    await redriveRunner.stop().catch(() => undefined);
    await alerts?.stop().catch(() => undefined);
    await backgroundQueues.close().catch(() => undefined);
    backgroundRedis.disconnect();
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
