import { createHash } from 'node:crypto';
import { hmac, matchesDigest, safeEqual } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';
import type { TwilioParams } from './twilio-params';

interface UrlParts {
  scheme: string;
  userInfo: string;
  host: string;
  port: string;
  rest: string;
}

/** Splits without normalising: `new URL()` would re-encode characters Twilio signed as they were. */
function splitUrl(url: string): UrlParts | null {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!m?.[1] || m[2] === undefined) return null;
  const authority = m[2];
  const at = authority.lastIndexOf('@');
  const hostPort = authority.slice(at + 1);
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  return {
    scheme: m[1],
    userInfo: authority.slice(0, at + 1),
    host: colon === -1 ? hostPort : hostPort.slice(0, colon),
    port: colon === -1 ? '' : hostPort.slice(colon),
    rest: url.slice(m[0].length),
  };
}

/**
 * Twilio signs the URL as configured, which may or may not spell out the default port; like its
 * own validateRequest we accept both spellings.
 */
export function urlVariants(url: string): string[] {
  const p = splitUrl(url);
  if (!p) return [url];
  const withoutPort = p.scheme + p.userInfo + p.host + p.rest;
  const withPort = p.port ? url : p.scheme + p.userInfo + p.host + (p.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + p.rest;
  return [...new Set([withoutPort, withPort])];
}

/** URL, then every parameter sorted by key as key+value (repeated keys: each distinct value, sorted). */
function signedData(url: string, params: TwilioParams): string {
  return Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + [...new Set(params[key])].sort().map((v) => key + v).join(''), url);
}

/**
 * `X-Twilio-Signature`: base64 HMAC-SHA1(auth token, URL + sorted params). For JSON bodies the
 * params are empty and the URL's `bodySHA256` must equal the body's hex SHA-256. No timestamp is
 * signed, so there is no replay window.
 */
export function verifyTwilioSignature(header: string | undefined, url: string, params: TwilioParams, rawBody: Buffer | null, authTokens: string[]): void {
  if (!header) throw new WebhookRejection('missing_signature', 'missing X-Twilio-Signature header');
  const signature = header.trim();
  const candidates = urlVariants(url);
  const ok = authTokens.some((token) => candidates.some((u) => matchesDigest(hmac('sha1', token, signedData(u, params)), signature, 'base64')));
  if (!ok) throw new WebhookRejection('invalid_signature', `X-Twilio-Signature does not match ${url} and the parameters for any configured auth token (is PUBLIC_BASE_URL the URL Twilio calls?)`);
  if (rawBody) {
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    const expected = new URLSearchParams(query).get('bodySHA256');
    if (!expected) throw new WebhookRejection('invalid_signature', 'a JSON body needs bodySHA256=<hex sha256 of the body> in the signed URL');
    const actual = createHash('sha256').update(rawBody).digest('hex');
    if (!safeEqual(Buffer.from(actual), Buffer.from(expected.toLowerCase()))) throw new WebhookRejection('invalid_signature', 'the body does not match the bodySHA256 in the signed URL');
  }
}
