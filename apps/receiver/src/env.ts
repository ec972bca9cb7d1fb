import { z } from 'zod';
import { ConfigError, databasePoolMode, databaseUrl, envValue, logLevel, parseEnv, port, queuePrefix, redisUrl, trustProxy } from '@switchyard/config';

/** Every variable this app reads (also what deploy/ checks the manifests against). */
export const envSchema = z.object({
  RECEIVER_PORT: port(3000),
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /** `transaction` behind a transaction-mode pooler (PgBouncer): statements are sent unnamed. */
  DATABASE_POOL_MODE: databasePoolMode,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: queuePrefix,
  LOG_LEVEL: logLevel,
  /** Largest accepted body, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** The public URL providers call (behind a proxy the URL Twilio signed differs from ours). */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Proxies in front of the receiver whose X-Forwarded-For is believed: none, a hop count, or addresses/CIDR ranges. */
  TRUST_PROXY: trustProxy,
  /** YAML settings file: provider connections (several accounts per provider), lead forms and the rest of @switchyard/settings. */
  SWITCHYARD_CONFIG: z.string().optional(),
  /** Largest accepted lead-form body, in bytes. */
  FORM_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(16 * 1024),
  /** Unfinished events and owed effects untouched for this long are re-driven (lost Redis data). */
  REDRIVE_STALE_AFTER_MS: z.coerce.number().int().positive().default(5 * 60_000),
  /** How often the stale-work redriver looks. */
  REDRIVE_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /** Renamed ("reconcile" also meant settling a send's unknown outcome): refused by name so a set value is not silently ignored. */
  RECONCILE_AFTER_MS: z.undefined({ error: 'RECONCILE_AFTER_MS was renamed REDRIVE_STALE_AFTER_MS' }).optional(),
  RECONCILE_INTERVAL_MS: z.undefined({ error: 'RECONCILE_INTERVAL_MS was renamed REDRIVE_INTERVAL_MS' }).optional(),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** Group commit: most concurrent deliveries stored by one statement and one commit. */
  INGEST_BATCH_MAX_DELIVERIES: z.coerce.number().int().positive().default(64),
  /** Group commit: most ingest statements running at once (each holds a pool connection). */
  INGEST_STATEMENTS_IN_FLIGHT: z.coerce.number().int().positive().default(2),
  // Default connection of each provider, from the environment (secrets are comma-separated lists).
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  RAZORPAY_WEBHOOK_SECRET: z.string().optional(),
  PAYPAL_WEBHOOK_ID: z.string().optional(),
  /** https URL prefixes PayPal certificates may be fetched from (comma-separated); default PayPal's own. */
  PAYPAL_CERT_URL_PREFIXES: z.string().optional(),
  /** The exact URL of the sandbox's PayPal certificate; set only where the sandbox runs (scripts/start.sh does). */
  PAYPAL_CERT_SANDBOX_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Replaced: a host allow-list let any delivery make the receiver GET any port and path on that host. */
  PAYPAL_CERT_HOSTS: z.undefined({ error: 'PAYPAL_CERT_HOSTS was replaced by PAYPAL_CERT_URL_PREFIXES (https URL prefixes) and PAYPAL_CERT_SANDBOX_URL (one exact sandbox URL)' }).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().optional(),
  SALESFORCE_ORG_ID: z.string().optional(),
  PIPEDRIVE_WEBHOOK_USER: z.string().optional(),
  PIPEDRIVE_WEBHOOK_PASSWORD: z.string().optional(),
  WHATSAPP_APP_SECRET: z.string().optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  STANDARD_WEBHOOK_SOURCES: z.string().optional(),
  STANDARD_WEBHOOK_SECRET: z.string().optional(),
});

export type ReceiverEnv = z.infer<typeof envSchema> & {
  /** STANDARD_WEBHOOK_SECRET_<SOURCE> variables, by lower-cased source name. */
  standardSourceSecrets: Record<string, string>;
  /** The variables `${NAME}` placeholders in the connections file may name. */
  variables: Record<string, string | undefined>;
};

export function loadEnv(source: Record<string, string | undefined> = process.env): ReceiverEnv {
  const env = parseEnv(envSchema, source);
  const standardSourceSecrets: Record<string, string> = {};
  for (const key of Object.keys(source)) {
    // STANDARD_WEBHOOK_SECRET_<SOURCE>_FILE is that source's secret from a file, not a source named "<source>-file".
    const m = /^STANDARD_WEBHOOK_SECRET_([A-Z0-9_]+?)(?:_FILE)?$/.exec(key);
    if (!m?.[1]) continue;
    let value: string | undefined;
    try {
      value = envValue(source, `STANDARD_WEBHOOK_SECRET_${m[1]}`);
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  ${(err as Error).message}`, [(err as Error).message]);
    }
    if (value) standardSourceSecrets[m[1].toLowerCase().replace(/_/g, '-')] = value;
  }
  return { ...env, standardSourceSecrets, variables: source };
}
