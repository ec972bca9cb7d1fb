export { OutboundClients } from './outbound-clients';
export { createSettingsHolder, staticSettings } from './settings-holder';
export type { SettingsHolder } from './settings-holder';
export { workerSetup } from './worker-setup';
export type { ConfiguredWorkerDeps } from './worker-setup';
