import { verify as verifySignature } from 'node:crypto';
import { WebhookRejection } from '../webhook-rejection';
import { crc32 } from './crc32';
import { checkCertificateUrl, type CertificateAllowList, type PaypalCertificates } from './paypal-certificates';

export interface PaypalHeaders {
  transmissionId?: string;
  transmissionTime?: string;
  transmissionSig?: string;
  certUrl?: string;
  authAlgo?: string;
}

export interface PaypalVerifyOptions {
  webhookIds: string[];
  certAllowList: CertificateAllowList;
  certificates: PaypalCertificates;
  now: Date;
}

/**
 * RSA-SHA256 (PKCS#1 v1.5) over `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(body)}`,
 * checked with the public key of the X.509 certificate named in PAYPAL-CERT-URL. The transmission
 * time must be a date but is not held to a window: PayPal documents none, and redeliveries over its
 * 3-day retry schedule must still pass. The webhook id in the signed string binds a delivery to our
 * subscription; the event id deduplicates replays.
 */
export async function verifyPaypalSignature(h: PaypalHeaders, rawBody: Buffer, opts: PaypalVerifyOptions): Promise<void> {
  const missing = (
    [
      ['PAYPAL-TRANSMISSION-ID', h.transmissionId],
      ['PAYPAL-TRANSMISSION-TIME', h.transmissionTime],
      ['PAYPAL-TRANSMISSION-SIG', h.transmissionSig],
      ['PAYPAL-CERT-URL', h.certUrl],
      ['PAYPAL-AUTH-ALGO', h.authAlgo],
    ] as const
  )
    .filter(([, v]) => !v)
    .map(([name]) => name);
  if (missing.length) throw new WebhookRejection('missing_signature', `missing ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}`);
  const { transmissionId, transmissionTime, transmissionSig, certUrl, authAlgo } = h as Required<PaypalHeaders>;
  if (authAlgo !== 'SHA256withRSA') throw new WebhookRejection('invalid_signature', `unsupported PAYPAL-AUTH-ALGO "${authAlgo}" (expected SHA256withRSA)`);
  if (Number.isNaN(Date.parse(transmissionTime))) throw new WebhookRejection('invalid_signature', 'PAYPAL-TRANSMISSION-TIME is not a date');
  // Checked before anything is fetched: the URL comes from the request.
  const url = checkCertificateUrl(certUrl, opts.certAllowList);
  const cert = await opts.certificates.get(url, opts.now);
  const signature = Buffer.from(transmissionSig, 'base64');
  const checksum = crc32(rawBody);
  const ok = opts.webhookIds.some((webhookId) => verifySignature('sha256', Buffer.from(`${transmissionId}|${transmissionTime}|${webhookId}|${checksum}`), cert.publicKey, signature));
  if (!ok) throw new WebhookRejection('invalid_signature', 'PAYPAL-TRANSMISSION-SIG does not match the payload for any configured webhook id');
}
