import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, describeIssues } from '@switchyard/config';
import type { ReceiverEnv } from '../env';
import { adapters } from '../providers/adapters';
import type { ConnectionConfig } from '../providers/provider-adapter';

/** provider → connection name → validated connection config. */
export type Connections = Record<string, Record<string, ConnectionConfig>>;

/** The `default` connection of each provider, from environment variables. */
export function connectionsFromEnv(env: ReceiverEnv): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  if (env.STRIPE_WEBHOOK_SECRET) out.stripe = { default: { webhookSecret: env.STRIPE_WEBHOOK_SECRET } };
  if (env.RAZORPAY_WEBHOOK_SECRET) out.razorpay = { default: { webhookSecret: env.RAZORPAY_WEBHOOK_SECRET } };
  if (env.PAYPAL_WEBHOOK_ID)
    out.paypal = { default: { webhookId: env.PAYPAL_WEBHOOK_ID, ...(env.PAYPAL_CERT_URL_PREFIXES ? { certUrlPrefixes: env.PAYPAL_CERT_URL_PREFIXES } : {}), ...(env.PAYPAL_CERT_SANDBOX_URL ? { sandboxCertUrl: env.PAYPAL_CERT_SANDBOX_URL } : {}) } };
  if (env.HUBSPOT_CLIENT_SECRET) out.hubspot = { default: { clientSecret: env.HUBSPOT_CLIENT_SECRET } };
  if (env.SALESFORCE_ORG_ID) out.salesforce = { default: { orgId: env.SALESFORCE_ORG_ID } };
  if (env.PIPEDRIVE_WEBHOOK_USER && env.PIPEDRIVE_WEBHOOK_PASSWORD) out.pipedrive = { default: { user: env.PIPEDRIVE_WEBHOOK_USER, password: env.PIPEDRIVE_WEBHOOK_PASSWORD } };
  if (env.WHATSAPP_APP_SECRET) out.whatsapp = { default: { appSecret: env.WHATSAPP_APP_SECRET, verifyToken: env.WHATSAPP_VERIFY_TOKEN } };
  if (env.TWILIO_AUTH_TOKEN) out.twilio = { default: { authToken: env.TWILIO_AUTH_TOKEN } };
  const sources = new Set([...(env.STANDARD_WEBHOOK_SOURCES?.split(',').map((s) => s.trim()).filter(Boolean) ?? []), ...Object.keys(env.standardSourceSecrets)]);
  for (const source of sources) {
    const secret = env.standardSourceSecrets[source] ?? env.STANDARD_WEBHOOK_SECRET;
    if (secret) (out.standard ??= {})[source] = { secret };
  }
  return out;
}

/** Replaces `${NAME}` with the environment's value so secrets stay out of the file. */
function interpolate(value: unknown, env: Record<string, string | undefined>, path: string): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`invalid configuration: ${path}: environment variable ${name} is not set`, [`${path}: environment variable ${name} is not set`]);
      return v;
    });
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}.${i}`));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, `${path}.${k}`)]));
  return value;
}

export function readConnectionsFile(file: string, env: Record<string, string | undefined>): Record<string, Record<string, Record<string, unknown>>> {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { connections?: unknown } | null;
  const raw = interpolate(doc?.connections ?? {}, env, 'connections');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`invalid configuration: ${file}: connections must be a map of provider → connection`, ['connections: must be a map']);
  return raw as Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Validates every connection with its provider's schema. File connections override the
 * environment's of the same name. Throws one ConfigError naming every bad key.
 */
export function resolveConnections(sources: Record<string, Record<string, Record<string, unknown>>>[]): Connections {
  const merged: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const src of sources) for (const [provider, conns] of Object.entries(src)) merged[provider] = { ...merged[provider], ...conns };
  const issues: string[] = [];
  const out: Connections = {};
  for (const [provider, conns] of Object.entries(merged)) {
    const adapter = adapters[provider];
    if (!adapter) {
      issues.push(`connections.${provider}: unknown provider (known: ${Object.keys(adapters).join(', ')})`);
      continue;
    }
    for (const [name, raw] of Object.entries(conns ?? {})) {
      const parsed = adapter.connectionSchema.safeParse({ ...raw, name });
      if (parsed.success) (out[provider] ??= {})[name] = parsed.data;
      else issues.push(...describeIssues(parsed.error, `connections.${provider}.${name}`));
    }
  }
  if (issues.length) throw new ConfigError(`invalid configuration:\n  ${issues.join('\n  ')}`, issues);
  return out;
}
