import { z } from 'zod';
import { databasePoolMode, databaseUrl, logLevel, parseEnv, port, queuePrefix, redisUrl, trustProxy } from '@switchyard/config';

const NO_OPEN_ACCESS = 'the ops console never runs without authentication';

/** Every variable this app reads (also what deploy/ checks the manifests against). */
export const envSchema = z.object({
  OPS_PORT: port(3001),
  /** Shared secret for the API (Bearer) and Bull Board (Bearer, or Basic with it as the password). */
  OPS_TOKEN: z
    .string({ error: (issue) => (issue.input === undefined ? `OPS_TOKEN is required: ${NO_OPEN_ACCESS}` : undefined) })
    .min(16, `OPS_TOKEN must be at least 16 characters: ${NO_OPEN_ACCESS}`),
  /** Failed sign-ins allowed per client address and per Basic user name each minute; then 429 until the minute ends. */
  OPS_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /** Proxies in front of the console whose X-Forwarded-For is believed: none, a hop count, or addresses/CIDR ranges. */
  TRUST_PROXY: trustProxy,
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(5),
  /** `transaction` behind a transaction-mode pooler (PgBouncer): statements are sent unnamed. */
  DATABASE_POOL_MODE: databasePoolMode,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: queuePrefix,
  LOG_LEVEL: logLevel,
  /** The YAML settings file (@switchyard/settings): the console's users (`console`), the alert rules and the team channels they post to. */
  SWITCHYARD_CONFIG: z.string().optional(),
});

export type OpsEnv = z.infer<typeof envSchema> & {
  /** The variables `${NAME}` placeholders in the settings file may name (password hashes from an env file). */
  variables: Record<string, string | undefined>;
};

export function loadEnv(source: Record<string, string | undefined> = process.env): OpsEnv {
  return { ...parseEnv(envSchema, source), variables: source };
}
