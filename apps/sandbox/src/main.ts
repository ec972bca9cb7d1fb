import { loadEnv } from './env';
import { createServer } from './server';
import { systemClock } from './support/clock';
import { jsonLog } from './support/log';
import { mulberry32 } from './support/rng';
import { httpWebhookSender } from './webhooks/http-sender';

const started = performance.now();
const config = loadEnv();
const sandbox = createServer({ config, clock: systemClock, rng: mulberry32(config.SANDBOX_SEED), webhookSender: httpWebhookSender(), log: jsonLog });
const server = sandbox.app.listen(config.SANDBOX_PORT, config.SANDBOX_HOST, () => {
  jsonLog.info('sandbox listening', {
    url: `http://${config.SANDBOX_HOST}:${config.SANDBOX_PORT}`,
    receiver: config.SANDBOX_RECEIVER_URL,
    startupMs: Math.round(performance.now() - started),
  });
});

function shutdown(signal: string): void {
  jsonLog.info('sandbox stopping', { signal });
  sandbox.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
