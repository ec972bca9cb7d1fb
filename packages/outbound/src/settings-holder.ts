import { defaultSettings, loadSettings, type Settings } from '@switchyard/settings';

export interface SettingsHolder {
  current(): Settings;
  /** Re-reads the file; a broken file keeps the settings in use and reports why. */
  reload(): { ok: true } | { ok: false; error: string };
}

/**
 * The business configuration a worker uses. Reloading changes what is planned from then on, and
 * the templates of messages not sent yet (the whatsapp worker renders them when it sends); every
 * other effect in the ledger carries the request it was planned with, so nothing in flight is lost.
 */
export function createSettingsHolder(file: string | undefined, env: Record<string, string | undefined>): SettingsHolder {
  let settings = file ? loadSettings(file, env) : defaultSettings();
  return {
    current: () => settings,
    reload() {
      if (!file) return { ok: true };
      try {
        settings = loadSettings(file, env);
        return { ok: true };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    },
  };
}

/** A fixed configuration (tests, embedding). */
export function staticSettings(settings: Settings): SettingsHolder {
  return { current: () => settings, reload: () => ({ ok: true }) };
}
