import { createHash } from 'node:crypto';
import { hmac, matchesDigest } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';

export const HUBSPOT_TOLERANCE_MS = 5 * 60_000;

/** The reserved characters HubSpot's docs say it decodes in the URI before signing v3. */
const DECODED: Record<string, string> = { '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';' };

/**
 * The URIs HubSpot may have signed: the URL exactly as called (what `Signature.isValid` in
 * @hubspot/api-client hashes) and, when it differs, the same URL with the characters above decoded
 * (what HubSpot's validation guide describes). Either proves the sender knew the secret.
 */
export function hubspotSignedUris(uri: string): string[] {
  const decoded = uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);
  return decoded === uri ? [uri] : [uri, decoded];
}

export interface HubspotSignedRequest {
  method: string;
  /** The full public URL HubSpot called, query included. */
  uri: string;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

function sha256Hex(...parts: (string | Buffer)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * v3 (`X-HubSpot-Signature-v3` + `X-HubSpot-Request-Timestamp` in ms): base64 HMAC-SHA256(secret,
 * method + uri + body + timestamp), refused when more than 5 minutes from now. When v3 is absent the
 * legacy `X-HubSpot-Signature` is checked per `X-HubSpot-Signature-Version` (v1 when unset, as the
 * SDK defaults): v1 hex sha256(secret + body), v2 hex sha256(secret + method + uri + body). Legacy
 * signatures carry no timestamp, so they cannot be checked for replay.
 */
export function verifyHubspotSignature(req: HubspotSignedRequest, secrets: string[], now: Date): void {
  const v3 = req.headers['x-hubspot-signature-v3'];
  if (v3) return verifyV3(req, v3, secrets, now);
  const legacy = req.headers['x-hubspot-signature'];
  if (!legacy) throw new WebhookRejection('missing_signature', 'missing X-HubSpot-Signature-v3 header (and no legacy X-HubSpot-Signature)');
  const version = (req.headers['x-hubspot-signature-version'] ?? 'v1').trim().toLowerCase();
  const uris = hubspotSignedUris(req.uri);
  let ok: boolean;
  if (version === 'v1') ok = secrets.some((s) => matchesDigest(sha256Hex(s, req.rawBody), legacy, 'hex'));
  else if (version === 'v2') ok = secrets.some((s) => uris.some((uri) => matchesDigest(sha256Hex(s, req.method, uri, req.rawBody), legacy, 'hex')));
  else throw new WebhookRejection('invalid_signature', `unsupported X-HubSpot-Signature-Version "${version.slice(0, 10)}" (expected v1 or v2)`);
  if (!ok) throw new WebhookRejection('invalid_signature', `X-HubSpot-Signature (${version}) does not match the request for any configured client secret`);
}

function verifyV3(req: HubspotSignedRequest, signature: string, secrets: string[], now: Date): void {
  const timestamp = req.headers['x-hubspot-request-timestamp'];
  if (!timestamp) throw new WebhookRejection('missing_signature', 'X-HubSpot-Signature-v3 came without X-HubSpot-Request-Timestamp');
  if (!/^\d+$/.test(timestamp)) throw new WebhookRejection('invalid_signature', 'X-HubSpot-Request-Timestamp is not a millisecond unix timestamp');
  const ok = secrets.some((secret) =>
    hubspotSignedUris(req.uri).some((uri) => {
      const data = Buffer.concat([Buffer.from(req.method + uri), req.rawBody, Buffer.from(timestamp)]);
      return matchesDigest(hmac('sha256', secret, data), signature, 'base64');
    }),
  );
  if (!ok) throw new WebhookRejection('invalid_signature', 'X-HubSpot-Signature-v3 does not match the request for any configured client secret');
  const ageMs = Math.abs(now.getTime() - Number(timestamp));
  if (ageMs > HUBSPOT_TOLERANCE_MS) throw new WebhookRejection('stale_timestamp', `X-HubSpot-Request-Timestamp is ${Math.round(ageMs / 1000)} s away from now (tolerance ${HUBSPOT_TOLERANCE_MS / 1000} s)`);
}
