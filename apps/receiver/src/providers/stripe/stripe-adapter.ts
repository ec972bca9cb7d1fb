import { z } from 'zod';
import { parseEventBody, parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import type { ProviderAdapter } from '../provider-adapter';
import { parseStripeEvent, stripeEvent, type StripeEvent } from './parse-stripe-event';
import { verifyStripeSignature } from './verify-stripe-signature';

const connectionSchema = z.object({ name: z.string(), webhookSecret: secretListField });

/**
 * The `api_version`s whose changelogs were checked against what parse-stripe-event reads. The one
 * shape change that matters so far: since 2022-11-15 a charge carries no `refunds` list (the refund
 * comes as refund.created). Fixtures: charge.refunded on 2022-08-01 and 2024-06-20.
 */
export const STRIPE_API_VERSIONS = [
  '2020-08-27',
  '2022-08-01',
  '2022-11-15',
  '2023-08-16',
  '2023-10-16',
  '2024-04-10',
  '2024-06-20',
  '2024-09-30.acacia',
  '2024-12-18.acacia',
  '2025-02-24.acacia',
  '2025-03-31.basil',
] as const;
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
  apiVersions: { known: STRIPE_API_VERSIONS, of: (event) => event.api_version ?? null },
  parse: (event, ctx) => parseStripeEvent(event, ctx),
};
