import { X509Certificate } from 'node:crypto';
import axios from 'axios';
import { WebhookRejection } from '../webhook-rejection';

export const CERT_FETCH_TIMEOUT_MS = 3000;
const MAX_CERT_BYTES = 64 * 1024;

/** Where certificates may come from: https URL prefixes, and at most one exact sandbox URL. */
export interface CertificateAllowList {
  /** `https://host[:port]/path/` prefixes; a URL matches when origin is equal and path starts with the prefix's. */
  urlPrefixes: string[];
  /** One exact URL (plain http allowed) that serves a sandbox's certificate; only set where the sandbox runs. */
  sandboxUrl?: string;
}

/**
 * Anyone can put any URL in PAYPAL-CERT-URL and make us GET it before the signature is checked, so
 * the URL is the attack surface: only https under an allowed prefix (scheme, host, port and path),
 * or exactly the configured sandbox URL; never credentials in the URL.
 */
export function checkCertificateUrl(raw: string, allow: CertificateAllowList): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookRejection('untrusted_certificate', 'PAYPAL-CERT-URL is not a URL');
  }
  if (url.username || url.password) throw new WebhookRejection('untrusted_certificate', 'PAYPAL-CERT-URL must not carry credentials');
  if (allow.sandboxUrl !== undefined && url.href === new URL(allow.sandboxUrl).href) return url;
  if (url.protocol !== 'https:') throw new WebhookRejection('untrusted_certificate', `PAYPAL-CERT-URL must be https (got ${url.protocol.replace(':', '')}; plain http only for the configured sandbox URL)`);
  const allowed = allow.urlPrefixes.some((p) => {
    const prefix = new URL(p);
    return url.origin === prefix.origin && url.pathname.startsWith(prefix.pathname);
  });
  if (!allowed) throw new WebhookRejection('untrusted_certificate', `PAYPAL-CERT-URL ${url.origin}${url.pathname} is not under an allowed certificate URL prefix (allowed: ${allow.urlPrefixes.join(', ')})`);
  return url;
}

export interface CertificateSourceOptions {
  maxEntries?: number;
  ttlMs?: number;
  timeoutMs?: number;
}

/**
 * PayPal signs with few certificates and names them in every delivery; fetching once per URL keeps
 * verification off the network. Bounded (LRU) so a flood of distinct URLs on an allowed host cannot
 * grow memory, and expiring so a replaced certificate is picked up.
 */
export class PaypalCertificates {
  private readonly cache = new Map<string, { cert: X509Certificate; expires: number }>();
  private readonly inFlight = new Map<string, Promise<X509Certificate>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;

  constructor(opts: CertificateSourceOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 100;
    this.ttlMs = opts.ttlMs ?? 24 * 3600_000;
    this.timeoutMs = opts.timeoutMs ?? CERT_FETCH_TIMEOUT_MS;
  }

  /** The certificate at an already allow-listed URL, valid at `now`. */
  async get(url: URL, now: Date): Promise<X509Certificate> {
    const key = url.href;
    const hit = this.cache.get(key);
    let cert: X509Certificate;
    if (hit && hit.expires > now.getTime()) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      cert = hit.cert;
    } else {
      let pending = this.inFlight.get(key);
      if (!pending) {
        pending = this.fetch(url).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      cert = await pending;
      this.cache.delete(key);
      this.cache.set(key, { cert, expires: now.getTime() + this.ttlMs });
      while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    }
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) throw new WebhookRejection('untrusted_certificate', `the certificate at ${key} is not valid now (valid ${cert.validFrom} to ${cert.validTo})`);
    return cert;
  }

  get size(): number {
    return this.cache.size;
  }

  private async fetch(url: URL): Promise<X509Certificate> {
    let res;
    try {
      res = await axios.get<string>(url.href, {
        timeout: this.timeoutMs,
        // A redirect could lead off the allow-list.
        maxRedirects: 0,
        responseType: 'text',
        transformResponse: (d: unknown) => d,
        maxContentLength: MAX_CERT_BYTES,
        validateStatus: () => true,
      });
    } catch (err) {
      throw new WebhookRejection('untrusted_certificate', `could not fetch the certificate from ${url.href}: ${(err as Error).message}`);
    }
    if (res.status !== 200) throw new WebhookRejection('untrusted_certificate', `fetching the certificate from ${url.href} answered HTTP ${res.status}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}`);
    try {
      return new X509Certificate(String(res.data));
    } catch {
      throw new WebhookRejection('untrusted_certificate', `${url.href} did not return a PEM X.509 certificate`);
    }
  }
}
