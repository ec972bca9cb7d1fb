import { settingsSchema, type Settings } from './settings-schema';

/** Settings with no file: no CRM, no messaging, no forms, no team alerts; workflows do only the minimum. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({ version: 1 });
}
