import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The scenarios shipped with the sandbox. */
export const SCENARIOS_DIR = resolve(__dirname, '..', '..', 'scenarios');

/**
 * Finds a scenario file: as given (from the current directory, then from the directory the user
 * ran pnpm in), then by name in the shipped scenarios (`happy-checkout` → scenarios/happy-checkout.yaml).
 */
export function resolveScenarioFile(name: string, initCwd?: string): string | undefined {
  const candidates = isAbsolute(name)
    ? [name]
    : [
        resolve(name),
        ...(initCwd ? [resolve(initCwd, name)] : []),
        join(SCENARIOS_DIR, name),
        join(SCENARIOS_DIR, `${name}.yaml`),
        join(SCENARIOS_DIR, `${name}.yml`),
        join(SCENARIOS_DIR, `${name}.json`),
      ];
  return candidates.find((file) => existsSync(file));
}
