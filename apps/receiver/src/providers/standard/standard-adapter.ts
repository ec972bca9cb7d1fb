import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { itemAsIs, type ProviderAdapter } from '../provider-adapter';
import { ed25519PublicKey, rawPublicKey, verifyStandardSignature } from './verify-standard-signature';

const publicKeyList = secretListField.pipe(z.array(z.string().refine((k) => rawPublicKey(k) !== null, 'must be whpk_ followed by a base64 32-byte ed25519 public key')));

const connectionSchema = z
  .object({
    name: z.string(),
    /** v1: shared HMAC secrets. */
    secret: secretListField.optional(),
    /** v1a: the sender's ed25519 public keys. */
    publicKeys: publicKeyList.optional(),
    /** Which worker queue this source's events go to. */
    queue: z.enum(['payments', 'crm', 'whatsapp']).default('payments'),
  })
  .refine((c) => c.secret !== undefined || c.publicKeys !== undefined, { message: 'needs `secret` (v1) or `publicKeys` (v1a), or both', path: ['secret'] });
export type StandardConnection = z.infer<typeof connectionSchema>;

// Key objects are built once per configured key string, not per request.
const keyCache = new Map<string, ReturnType<typeof ed25519PublicKey>>();
function publicKeysOf(conn: StandardConnection) {
  return (conn.publicKeys ?? []).map((k) => {
    let key = keyCache.get(k);
    if (!key) keyCache.set(k, (key = ed25519PublicKey(k)));
    return key;
  });
}

const body = z.object({ type: z.string().default('unknown'), timestamp: z.string().optional(), data: z.unknown() }).passthrough();

const typeOfBody = (item: unknown) => {
  const parsed = body.safeParse(item);
  return parsed.success ? parsed.data.type : 'unknown';
};

/** Any Standard Webhooks sender; the connection name is the source in `/webhooks/standard/:source`. */
export const standardAdapter: ProviderAdapter<StandardConnection> = {
  provider: 'standard',
  connectionSchema,
  verify: (req, conn, now) =>
    verifyStandardSignature({ id: req.headers['webhook-id'], timestamp: req.headers['webhook-timestamp'], signature: req.headers['webhook-signature'] }, req.rawBody, { secrets: conn.secret ?? [], publicKeys: publicKeysOf(conn) }, now),
  split(req) {
    requireJsonContentType(req);
    return [itemAsIs(parseJsonBody(req))];
  },
  identify: (_event, req) => req.headers['webhook-id'] ?? '',
  typeOf: typeOfBody,
  parse(item, ctx, conn) {
    const parsed = body.safeParse(item);
    const type = typeOfBody(item);
    const ts = parsed.success && parsed.data.timestamp ? new Date(parsed.data.timestamp) : new Date(Number(ctx.request.headers['webhook-timestamp']) * 1000);
    const occurredAt = Number.isNaN(ts.getTime()) ? null : ts;
    return {
      type,
      occurredAt,
      canonical: {
        type: 'generic.received',
        provider: ctx.provider,
        connection: ctx.connection,
        providerEventId: ctx.providerEventId,
        occurredAt: (occurredAt ?? new Date()).toISOString(),
        sourceType: type,
        targetQueue: conn.queue,
        data: parsed.success ? parsed.data.data : item,
      },
    };
  },
};
