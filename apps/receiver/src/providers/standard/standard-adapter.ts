import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import type { ProviderAdapter } from '../provider-adapter';
import { verifyStandardSignature } from './verify-standard-signature';

const connectionSchema = z.object({
  name: z.string(),
  secret: secretListField,
  /** Which worker queue this source's events go to. */
  queue: z.enum(['payments', 'crm', 'whatsapp']).default('payments'),
});
export type StandardConnection = z.infer<typeof connectionSchema>;

const body = z.object({ type: z.string().default('unknown'), timestamp: z.string().optional(), data: z.unknown() }).passthrough();

/** Any Standard Webhooks sender; the connection name is the source in `/webhooks/standard/:source`. */
export const standardAdapter: ProviderAdapter<StandardConnection> = {
  provider: 'standard',
  connectionSchema,
  verify: (req, conn, now) =>
    verifyStandardSignature({ id: req.headers['webhook-id'], timestamp: req.headers['webhook-timestamp'], signature: req.headers['webhook-signature'] }, req.rawBody, conn.secret, now),
  split(req) {
    requireJsonContentType(req);
    return [parseJsonBody(req)];
  },
  identify: (_item, req) => req.headers['webhook-id'] ?? '',
  parse(item, ctx, conn) {
    const parsed = body.safeParse(item);
    const type = parsed.success ? parsed.data.type : 'unknown';
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
