import { z } from 'zod';
import { parseEventBody, parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import type { ProviderAdapter } from '../provider-adapter';
import { parsePaypalEvent, paypalEvent, type PaypalEvent } from './parse-paypal-event';
import { PaypalCertificates } from './paypal-certificates';
import { verifyPaypalSignature } from './verify-paypal-signature';

export const DEFAULT_PAYPAL_CERT_HOSTS = ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com'];

const hostList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'needs at least one host'));

const connectionSchema = z.object({
  name: z.string(),
  /** The id PayPal gave our webhook subscription; a list while moving to a new subscription. */
  webhookId: secretListField,
  /** Hosts the signing certificate may be fetched from, matched exactly. */
  certHosts: hostList.default(DEFAULT_PAYPAL_CERT_HOSTS),
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
        { webhookIds: conn.webhookId, certHosts: conn.certHosts, certificates, now },
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
