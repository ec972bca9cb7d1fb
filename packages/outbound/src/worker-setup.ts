import { createRateLimiter } from '@switchyard/connectors';
import type { QueueName } from '@switchyard/queues';
import type { WorkerAppDeps, WorkerSetup } from '@switchyard/worker-runtime';
import { OutboundClients } from './outbound-clients';
import type { SettingsHolder } from './settings-holder';

/** What a worker app that talks to providers runs on: the runtime's deps and its business configuration. */
export interface ConfiguredWorkerDeps extends WorkerAppDeps {
  /** From the configuration file in main.ts (reloaded on SIGHUP); fixed in tests. */
  settings: SettingsHolder;
}

/**
 * The setup every worker app shares: provider clients that share one Redis rate limiter across
 * replicas, the configuration's retention policy (so every worker app runs retention) and its
 * reload. `build` adds the app's event map and performers.
 */
export function workerSetup<Q extends QueueName>(
  deps: ConfiguredWorkerDeps,
  queuePrefix: string,
  build: (settings: SettingsHolder, clients: OutboundClients) => WorkerSetup<Q>,
): WorkerSetup<Q> {
  const { settings } = deps;
  const clients = new OutboundClients(settings.current, createRateLimiter(deps.redis, { prefix: `${queuePrefix}:rl` }));
  return { ...build(settings, clients), retention: () => settings.current().retention, reload: () => settings.reload() };
}
