import { z } from 'zod';
import { parseEventBody, parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import type { ProviderAdapter } from '../provider-adapter';
import { parsePaypalEvent, paypalEvent, type PaypalEvent } from './parse-paypal-event';
import { PaypalCertificates } from './paypal-certificates';
import { verifyPaypalSignature } from './verify-paypal-signature';

/** Where PayPal serves its webhook signing certificates (live and sandbox, both API hosts). */
export const DEFAULT_PAYPAL_CERT_URL_PREFIXES = ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com'].map((h) => `https://${h}/v1/notifications/certs/`);

function prefixProblem(prefix: string): string | null {
  let url: URL;
  try {
    url = new URL(prefix);
  } catch {
    return `"${prefix}" is not a URL`;
  }
  if (url.protocol !== 'https:') return `"${prefix}" must be https (a plain-http sandbox goes in sandboxCertUrl / PAYPAL_CERT_SANDBOX_URL)`;
  if (url.username || url.password || url.search || url.hash) return `"${prefix}" must be scheme, host and path only`;
  if (!url.pathname.endsWith('/')) return `"${prefix}" must end its path with "/" (a prefix of a folder, not of a name)`;
  return null;
}

const urlPrefixList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'needs at least one https URL prefix'))
  .superRefine((prefixes, ctx) => {
    for (const problem of prefixes.map(prefixProblem)) if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const connectionSchema = z.object({
  name: z.string(),
  /** The id PayPal gave our webhook subscription; a list while moving to a new subscription. */
  webhookId: secretListField,
  /** https URL prefixes (scheme, host, port, path) the signing certificate may be fetched from. */
  certUrlPrefixes: urlPrefixList.default(DEFAULT_PAYPAL_CERT_URL_PREFIXES),
  /** The exact URL of a sandbox's certificate (plain http allowed); set only where the sandbox runs. Blank means none. */
  sandboxCertUrl: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional()),
  /** Replaced by certUrlPrefixes: a host alone let a delivery make us GET any port and path there. */
  certHosts: z.undefined({ error: 'certHosts was replaced by certUrlPrefixes (https URL prefixes such as https://api.paypal.com/v1/notifications/certs/) and sandboxCertUrl' }).optional(),
});
export type PaypalConnection = z.infer<typeof connectionSchema>;

export function createPaypalAdapter(certificates = new PaypalCertificates()): ProviderAdapter<PaypalConnection, PaypalEvent> {
  return {
    provider: 'paypal',
    connectionSchema,
    verify: (req, conn, now) =>
      verifyPaypalSignature(
        {
          transmissionId: req.headers['paypal-transmission-id'],
          transmissionTime: req.headers['paypal-transmission-time'],
          transmissionSig: req.headers['paypal-transmission-sig'],
          certUrl: req.headers['paypal-cert-url'],
          authAlgo: req.headers['paypal-auth-algo'],
        },
        req.rawBody,
        { webhookIds: conn.webhookId, certAllowList: { urlPrefixes: conn.certUrlPrefixes, sandboxUrl: conn.sandboxCertUrl }, certificates, now },
      ),
    split(req) {
      requireJsonContentType(req);
      const payload = parseJsonBody(req);
      return [{ payload, event: parseEventBody(paypalEvent, payload, 'a PayPal webhook event') }];
    },
    identify: (event) => event.id,
    typeOf: (event) => event.event_type,
    // resource_version is the REST API version of `resource`: 2.0 for the Payments v2 captures and
    // refunds we map; 1.0 for v1 resources (sales), stored as ignored. An event without it is not checked.
    apiVersions: { known: ['1.0', '2.0'], of: (event) => event.resource_version ?? null },
    parse: (event, ctx) => parsePaypalEvent(event, ctx),
  };
}

export const paypalAdapter = createPaypalAdapter();
