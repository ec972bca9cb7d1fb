import { z } from 'zod';
import { parseEnv, port } from '@switchyard/config';
import { workerEnvSchema } from '@switchyard/worker-runtime';

const schema = workerEnvSchema.extend({ METRICS_PORT: port(9102) });
export type CrmWorkerEnv = z.infer<typeof schema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): CrmWorkerEnv {
  return parseEnv(schema, source);
}

/** The raw environment, for `${VAR}` placeholders in the configuration file. */
export function rawEnv(): Record<string, string | undefined> {
  return process.env;
}
