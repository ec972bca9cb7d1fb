import { envValue } from '@switchyard/config';

const placeholder = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface Interpolated {
  value: unknown;
  /** `<key.path>: environment variable X is not set`, one per unset placeholder. */
  issues: string[];
}

/**
 * Replaces `${NAME}` in every string of the document with the environment's value, so secrets stay
 * out of the file. An unset or empty variable is a problem named by its key path, never a silent "".
 * `NAME_FILE` stands for NAME (Docker and Kubernetes secrets) and is read on every load, so a
 * reload picks up a rotated secret file.
 */
export function interpolate(doc: unknown, env: Record<string, string | undefined>): Interpolated {
  const issues: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string')
      return value.replace(placeholder, (match, variable: string) => {
        let v: string | undefined;
        try {
          v = envValue(env, variable);
        } catch (err) {
          issues.push(`${path || '(root)'}: ${(err as Error).message}`);
          return match;
        }
        if (v === undefined || v === '') {
          issues.push(`${path || '(root)'}: environment variable ${variable} is not set`);
          return match;
        }
        return v;
      });
    if (Array.isArray(value)) return value.map((v, i) => walk(v, path ? `${path}.${i}` : String(i)));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    return value;
  };
  return { value: walk(doc, ''), issues };
}
