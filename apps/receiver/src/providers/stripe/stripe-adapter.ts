import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
import type { ProviderAdapter } from '../provider-adapter';
import { parseStripeEvent, stripeEvent } from './parse-stripe-event';
import { verifyStripeSignature } from './verify-stripe-signature';

const connectionSchema = z.object({ name: z.string(), webhookSecret: secretListField });
export type StripeConnection = z.infer<typeof connectionSchema>;

export const stripeAdapter: ProviderAdapter<StripeConnection> = {
  provider: 'stripe',
  connectionSchema,
  verify: (req, conn, now) => verifyStripeSignature(req.headers['stripe-signature'], req.rawBody, conn.webhookSecret, now),
  split(req) {
    requireJsonContentType(req);
    const body = parseJsonBody(req);
    const parsed = stripeEvent.safeParse(body);
    if (!parsed.success) throw new WebhookRejection('malformed_body', `not a Stripe event: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
    return [body];
  },
  identify: (item) => stripeEvent.parse(item).id,
  parse: (item, ctx) => parseStripeEvent(stripeEvent.parse(item), ctx),
};
