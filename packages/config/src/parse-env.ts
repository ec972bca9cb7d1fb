import type { z } from 'zod';
import { resolveSecretFiles } from './secret-files';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as `KEY: problem` lines, naming every bad key at once. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${key || '(root)'}: ${issue.message}`;
  });
}

/** The variables an object schema declares, so `X_FILE` is read only for an X the app uses. */
function declaredNames(schema: z.ZodType): string[] | undefined {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : undefined;
}

/**
 * Parses an environment once at start-up; throws a ConfigError naming every missing or invalid
 * variable. Every variable also accepts `<NAME>_FILE`, a file holding its value (Docker and
 * Kubernetes secrets); an unreadable file is an error naming the variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const { env, issues: fileIssues } = resolveSecretFiles(source, declaredNames(schema));
  // Empty strings mean "unset" so a blank line in .env falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success && fileIssues.length === 0) return result.data;
  // A variable whose file could not be read is reported once, as the file problem.
  const failed = new Set(fileIssues.map((i) => i.variable));
  const issues = [...fileIssues.map((i) => i.message), ...(result.success ? [] : describeIssues(result.error).filter((i) => !failed.has(i.split(':', 1)[0] ?? '')))];
  throw new ConfigError(`invalid configuration:\n  ${issues.join('\n  ')}`, issues);
}
