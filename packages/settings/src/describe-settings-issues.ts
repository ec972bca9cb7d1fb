import { describeIssues } from '@switchyard/config';
import { z } from 'zod';

/** Messages an operator reads: "required" for a missing key, the allowed values for a wrong one. */
export const settingsErrorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type' && iss.input === undefined) return 'required';
  if (iss.code === 'invalid_type') return `must be ${iss.expected === 'record' ? 'a map' : `a ${iss.expected}`}, got ${iss.input === null ? 'null' : Array.isArray(iss.input) ? 'a list' : typeof iss.input}`;
  if (iss.code === 'invalid_value') return `must be one of: ${iss.values.map(String).join(', ')} (got ${JSON.stringify(iss.input)})`;
  return undefined;
};

/** One `<dotted.key.path>: <problem>` line per problem; an unknown key gets a line of its own. */
export function describeSettingsIssues(error: z.ZodError): string[] {
  const issues = error.issues.flatMap((i): z.core.$ZodIssue[] =>
    i.code === 'unrecognized_keys' ? i.keys.map((key) => ({ code: 'custom', path: [...i.path, key], message: 'unknown key', input: undefined })) : [i],
  );
  return describeIssues(new z.ZodError(issues));
}
