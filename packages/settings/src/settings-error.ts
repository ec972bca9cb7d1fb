import { ConfigError } from '@switchyard/config';

/** A settings file we refuse; `issues` holds one `<dotted.key.path>: <problem>` line per problem. */
export class SettingsError extends ConfigError {
  constructor(source: string, issues: string[]) {
    super(`invalid settings in ${source}:\n  ${issues.join('\n  ')}`, issues);
    this.name = 'SettingsError';
  }
}
