import { z } from 'zod';
import { parseEventBody, parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import type { ProviderAdapter } from '../provider-adapter';
import { parseStripeEvent, stripeEvent, type StripeEvent } from './parse-stripe-event';
import { verifyStripeSignature } from './verify-stripe-signature';

const connectionSchema = z.object({ name: z.string(), webhookSecret: secretListField });
export type StripeConnection = z.infer<typeof connectionSchema>;

export const stripeAdapter: ProviderAdapter<StripeConnection, StripeEvent> = {
  provider: 'stripe',
  connectionSchema,
  verify: (req, conn, now) => verifyStripeSignature(req.headers['stripe-signature'], req.rawBody, conn.webhookSecret, now),
  split(req) {
    requireJsonContentType(req);
    const payload = parseJsonBody(req);
    return [{ payload, event: parseEventBody(stripeEvent, payload, 'a Stripe event') }];
  },
  identify: (event) => event.id,
  typeOf: (event) => event.type,
  parse: (event, ctx) => parseStripeEvent(event, ctx),
};
