import { z } from 'zod';
import { parseEnv, port } from '@switchyard/config';
import { workerEnvSchema } from '@switchyard/worker-runtime';

/** Every variable this app reads (also what deploy/ checks the manifests against). */
export const envSchema = workerEnvSchema.extend({ METRICS_PORT: port(9101) });
export type PaymentsWorkerEnv = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): PaymentsWorkerEnv {
  return parseEnv(envSchema, source);
}

/** The raw environment, for `${VAR}` placeholders in the configuration file. */
export function rawEnv(): Record<string, string | undefined> {
  return process.env;
}
