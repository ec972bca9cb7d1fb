import { createRateLimiter } from '@switchyard/connectors';
import type { QueueName } from '@switchyard/queues';
import type { WorkerDeps, WorkerSetup } from '@switchyard/worker-runtime';
import { OutboundClients } from './outbound-clients';
import { createSettingsHolder, type SettingsHolder } from './settings-holder';

/**
 * The setup every worker app shares: the configuration file (reloaded on SIGHUP), and provider
 * clients that share one Redis rate limiter across replicas, and the file's retention policy (so
 * every worker app runs retention). `build` adds the app's event map and performers.
 */
export function workerSetup<Q extends QueueName>(
  config: { file: string | undefined; env: Record<string, string | undefined>; queuePrefix: string },
  build: (settings: SettingsHolder, clients: OutboundClients, deps: WorkerDeps) => WorkerSetup<Q>,
): (deps: WorkerDeps) => WorkerSetup<Q> {
  return (deps) => {
    const settings = createSettingsHolder(config.file, config.env);
    const limiter = createRateLimiter(deps.redis, { prefix: `${config.queuePrefix}:rl` });
    const clients = new OutboundClients(settings.current, limiter);
    process.on('SIGHUP', () => {
      const result = settings.reload();
      if (result.ok) deps.logger.info('configuration reloaded; messages not sent yet are rendered with its templates, other planned effects keep their requests', { file: config.file });
      else deps.logger.error('configuration reload refused; keeping the previous one', { file: config.file, error: result.error });
    });
    return { ...build(settings, clients, deps), retention: () => settings.current().retention };
  };
}
