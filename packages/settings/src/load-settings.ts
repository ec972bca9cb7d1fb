import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describeSettingsIssues, settingsErrorMap } from './describe-settings-issues';
import { interpolate } from './interpolate';
import { SettingsError } from './settings-error';
import { settingsSchema, type Settings } from './settings-schema';

/** Validates an already-parsed document: interpolates `${ENV}` placeholders, then checks every key. */
export function parseSettings(doc: unknown, env: Record<string, string | undefined>, source = 'settings'): Settings {
  const { value, issues } = interpolate(doc ?? {}, env);
  if (issues.length) throw new SettingsError(source, issues);
  const result = settingsSchema.safeParse(value, { error: settingsErrorMap });
  if (!result.success) throw new SettingsError(source, describeSettingsIssues(result.error));
  return result.data;
}

/** Reads the YAML settings file (the one `SWITCHYARD_CONFIG` names) and validates it. */
export function loadSettings(file: string, env: Record<string, string | undefined>): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SettingsError(file, [`(file): cannot be read: ${(err as Error).message}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) throw new SettingsError(file, doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`));
  return parseSettings(doc.toJS(), env, file);
}
