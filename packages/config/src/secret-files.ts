import { readFileSync } from 'node:fs';

/** `X_FILE` names a file holding X's value (Docker and Kubernetes secrets). */
export const FILE_SUFFIX = '_FILE';

/** One trailing newline (or several) is how secret files are usually written; it is never part of the value. */
function readSecret(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/(\r?\n)+$/, '');
  } catch (err) {
    // The path is configuration, not a secret; the content never appears in the message.
    throw new Error(`${variable}${FILE_SUFFIX}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * The value of `variable`: its own value, or the content of the file `<variable>_FILE` names.
 * Setting both is refused rather than silently preferring one. Reads the file on every call, so
 * whoever calls again (a settings reload) sees a rotated secret.
 */
export function envValue(source: Record<string, string | undefined>, variable: string): string | undefined {
  const direct = source[variable];
  const file = source[variable + FILE_SUFFIX];
  if (file === undefined || file === '') return direct;
  if (direct !== undefined && direct !== '') throw new Error(`${variable} and ${variable}${FILE_SUFFIX} are both set: set one of them`);
  return readSecret(variable, file);
}

/**
 * The environment with every `X_FILE` read into X (only for `names` when given). Returns the
 * problems, one per variable, instead of stopping at the first.
 */
export function resolveSecretFiles(
  source: Record<string, string | undefined>,
  names?: Iterable<string>,
): { env: Record<string, string | undefined>; issues: { variable: string; message: string }[] } {
  const wanted = names ? new Set(names) : undefined;
  const env = { ...source };
  const issues: { variable: string; message: string }[] = [];
  for (const key of Object.keys(source)) {
    if (!key.endsWith(FILE_SUFFIX) || key === FILE_SUFFIX) continue;
    const variable = key.slice(0, -FILE_SUFFIX.length);
    if (wanted && !wanted.has(variable)) continue;
    try {
      env[variable] = envValue(source, variable);
    } catch (err) {
      issues.push({ variable, message: (err as Error).message });
    }
  }
  return { env, issues };
}
