import { z } from 'zod';
import { resolveSecretFiles } from '@switchyard/config';

/**
 * Every variable the sandbox (server and CLI) reads. Signing secrets use the names the receiver
 * reads, so a sandbox and a receiver started from the same environment agree; only the first
 * entry of a comma-separated (rotation) list is used to sign.
 */
export const SANDBOX_DEFAULTS = {
  SANDBOX_PORT: 4010,
  SANDBOX_HOST: '127.0.0.1',
  SANDBOX_URL: 'http://127.0.0.1:4010',
  SANDBOX_RECEIVER_URL: 'http://127.0.0.1:3000',
  OPS_URL: 'http://127.0.0.1:3001',
  SANDBOX_SEED: 1,
  SANDBOX_STATUS_CALLBACKS: true,
  SANDBOX_STATUS_DELAYS_MS: '200,400,600',
  SANDBOX_PAYPAL_KEY_DIR: '',
  SANDBOX_WHATSAPP_TOKEN: 'sandbox-token',
  SANDBOX_HUBSPOT_TOKEN: 'sandbox-token',
  SANDBOX_HUBSPOT_TEN_SECOND_LIMIT: 100,
  SANDBOX_HUBSPOT_DAILY_LIMIT: 250_000,
  SANDBOX_PIPEDRIVE_TOKEN: 'sandbox-token',
  SANDBOX_SALESFORCE_TOKEN: 'sandbox-token',
  SANDBOX_SALESFORCE_CLIENT_ID: 'sandbox-client-id',
  SANDBOX_SALESFORCE_CLIENT_SECRET: 'sandbox-client-secret',
  SANDBOX_STRIPE_API_KEY: 'sk_test_sandbox',
  SANDBOX_RAZORPAY_KEY_ID: 'rzp_test_sandbox',
  SANDBOX_RAZORPAY_KEY_SECRET: 'sandbox-secret',
  SANDBOX_PAYPAL_CLIENT_ID: 'sandbox-client-id',
  SANDBOX_PAYPAL_CLIENT_SECRET: 'sandbox-client-secret',
  SANDBOX_PAYPAL_TOKEN: 'sandbox-token',
  SANDBOX_TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
  SANDBOX_DEFAULT_CAPTURED_AMOUNT: 100_000,
  STRIPE_WEBHOOK_SECRET: 'whsec_sandboxStripeSecret0000000000000000',
  RAZORPAY_WEBHOOK_SECRET: 'sandbox-razorpay-webhook-secret',
  PAYPAL_WEBHOOK_ID: 'WH-SANDBOX-0000000000000000',
  HUBSPOT_CLIENT_SECRET: 'sandbox-hubspot-client-secret',
  SALESFORCE_ORG_ID: '00D000000000001EAA',
  PIPEDRIVE_WEBHOOK_USER: 'pipedrive',
  PIPEDRIVE_WEBHOOK_PASSWORD: 'sandbox-pipedrive-password',
  WHATSAPP_APP_SECRET: 'sandbox-whatsapp-app-secret',
  TWILIO_AUTH_TOKEN: 'sandbox-twilio-auth-token',
  STANDARD_WEBHOOK_SECRET: `whsec_${Buffer.from('sandbox-standard-webhooks-secret').toString('base64')}`,
} as const;

const d = SANDBOX_DEFAULTS;
const text = (fallback: string) => z.string().trim().min(1).default(fallback);
/** First entry of a rotation list: we sign with the newest secret. */
const secret = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(',')[0]?.trim() ?? '')
    .pipe(z.string().min(1, 'must not be empty'));
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export const envSchema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(d.SANDBOX_PORT),
  SANDBOX_HOST: text(d.SANDBOX_HOST),
  SANDBOX_URL: z.url().default(d.SANDBOX_URL),
  SANDBOX_RECEIVER_URL: z.url().default(d.SANDBOX_RECEIVER_URL),
  /** The ops API the CLI reads (what happened downstream; `switchyard ops …`; `switchyard erasure`), with OPS_TOKEN. */
  OPS_URL: z.url().default(d.OPS_URL),
  OPS_TOKEN: z.string().optional(),
  /** Base URL Twilio signs against when the receiver sits behind a proxy; defaults to the --to URL. */
  PUBLIC_BASE_URL: z.url().optional(),
  SANDBOX_SEED: z.coerce.number().int().default(d.SANDBOX_SEED),
  SANDBOX_STATUS_CALLBACKS: flag(d.SANDBOX_STATUS_CALLBACKS),
  SANDBOX_STATUS_DELAYS_MS: z
    .string()
    .default(d.SANDBOX_STATUS_DELAYS_MS)
    .transform((v) => v.split(',').map((part) => Number(part.trim())))
    .pipe(z.array(z.number().int().min(0)).length(3, 'needs three delays: sent,delivered,read')),
  SANDBOX_PAYPAL_KEY_DIR: z.string().default(d.SANDBOX_PAYPAL_KEY_DIR),
  SANDBOX_WHATSAPP_TOKEN: text(d.SANDBOX_WHATSAPP_TOKEN),
  SANDBOX_HUBSPOT_TOKEN: text(d.SANDBOX_HUBSPOT_TOKEN),
  SANDBOX_HUBSPOT_TEN_SECOND_LIMIT: z.coerce.number().int().min(1).default(d.SANDBOX_HUBSPOT_TEN_SECOND_LIMIT),
  SANDBOX_HUBSPOT_DAILY_LIMIT: z.coerce.number().int().min(1).default(d.SANDBOX_HUBSPOT_DAILY_LIMIT),
  SANDBOX_PIPEDRIVE_TOKEN: text(d.SANDBOX_PIPEDRIVE_TOKEN),
  SANDBOX_SALESFORCE_TOKEN: text(d.SANDBOX_SALESFORCE_TOKEN),
  SANDBOX_SALESFORCE_CLIENT_ID: text(d.SANDBOX_SALESFORCE_CLIENT_ID),
  SANDBOX_SALESFORCE_CLIENT_SECRET: text(d.SANDBOX_SALESFORCE_CLIENT_SECRET),
  SANDBOX_STRIPE_API_KEY: text(d.SANDBOX_STRIPE_API_KEY),
  SANDBOX_RAZORPAY_KEY_ID: text(d.SANDBOX_RAZORPAY_KEY_ID),
  SANDBOX_RAZORPAY_KEY_SECRET: text(d.SANDBOX_RAZORPAY_KEY_SECRET),
  SANDBOX_PAYPAL_CLIENT_ID: text(d.SANDBOX_PAYPAL_CLIENT_ID),
  SANDBOX_PAYPAL_CLIENT_SECRET: text(d.SANDBOX_PAYPAL_CLIENT_SECRET),
  SANDBOX_PAYPAL_TOKEN: text(d.SANDBOX_PAYPAL_TOKEN),
  SANDBOX_TWILIO_ACCOUNT_SID: text(d.SANDBOX_TWILIO_ACCOUNT_SID),
  SANDBOX_DEFAULT_CAPTURED_AMOUNT: z.coerce.number().int().min(1).default(d.SANDBOX_DEFAULT_CAPTURED_AMOUNT),
  STRIPE_WEBHOOK_SECRET: secret(d.STRIPE_WEBHOOK_SECRET),
  RAZORPAY_WEBHOOK_SECRET: secret(d.RAZORPAY_WEBHOOK_SECRET),
  PAYPAL_WEBHOOK_ID: secret(d.PAYPAL_WEBHOOK_ID),
  HUBSPOT_CLIENT_SECRET: secret(d.HUBSPOT_CLIENT_SECRET),
  SALESFORCE_ORG_ID: secret(d.SALESFORCE_ORG_ID),
  PIPEDRIVE_WEBHOOK_USER: secret(d.PIPEDRIVE_WEBHOOK_USER),
  PIPEDRIVE_WEBHOOK_PASSWORD: secret(d.PIPEDRIVE_WEBHOOK_PASSWORD),
  WHATSAPP_APP_SECRET: secret(d.WHATSAPP_APP_SECRET),
  TWILIO_AUTH_TOKEN: secret(d.TWILIO_AUTH_TOKEN),
  STANDARD_WEBHOOK_SECRET: secret(d.STANDARD_WEBHOOK_SECRET).pipe(z.string().startsWith('whsec_', 'must start with whsec_')),
  /** Directory the user ran `pnpm switchyard` from (pnpm sets it); scenario paths resolve against it. */
  INIT_CWD: z.string().optional(),
});

export type SandboxEnv = z.infer<typeof envSchema>;

/** Parses the environment once; the error names every missing or invalid variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): SandboxEnv {
  const { env, issues } = resolveSecretFiles(source, Object.keys(envSchema.shape));
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success || issues.length) {
    const problems = [...issues.map((i) => i.message), ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))].join('; ');
    throw new Error(`Invalid sandbox environment: ${problems}`);
  }
  return result.data;
}

/** The values tests and other apps can sign with when they run against a default sandbox. */
export const defaultEnv: SandboxEnv = loadEnv({});
