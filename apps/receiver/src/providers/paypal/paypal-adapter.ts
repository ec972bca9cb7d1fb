import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
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

export function createPaypalAdapter(certificates = new PaypalCertificates()): ProviderAdapter<PaypalConnection> {
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
      const parsed = paypalEvent.safeParse(parseJsonBody(req));
      if (!parsed.success) throw new WebhookRejection('malformed_body', `not a PayPal webhook event: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
      return [parsed.data];
    },
    identify: (item) => (item as PaypalEvent).id,
    parse: (item, ctx) => parsePaypalEvent(item as PaypalEvent, ctx),
  };
}

export const paypalAdapter = createPaypalAdapter();
