import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
import type { ProviderAdapter } from '../provider-adapter';
import { parseRazorpayEvent, razorpayEvent, type RazorpayEvent } from './parse-razorpay-event';
import { verifyRazorpaySignature } from './verify-razorpay-signature';

const connectionSchema = z.object({ name: z.string(), webhookSecret: secretListField });
export type RazorpayConnection = z.infer<typeof connectionSchema>;

const EVENT_ID_HEADER = 'x-razorpay-event-id';

export const razorpayAdapter: ProviderAdapter<RazorpayConnection> = {
  provider: 'razorpay',
  connectionSchema,
  verify: (req, conn) => verifyRazorpaySignature(req.headers['x-razorpay-signature'], req.rawBody, conn.webhookSecret),
  split(req) {
    requireJsonContentType(req);
    // The body has no event id of its own; without the header a redelivery could not be recognised.
    if (!req.headers[EVENT_ID_HEADER]?.trim()) throw new WebhookRejection('malformed_body', 'missing x-razorpay-event-id header (Razorpay\'s event id, needed to recognise redeliveries)');
    const parsed = razorpayEvent.safeParse(parseJsonBody(req));
    if (!parsed.success) throw new WebhookRejection('malformed_body', `not a Razorpay event: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
    return [parsed.data];
  },
  identify: (_item, req) => req.headers[EVENT_ID_HEADER]?.trim() ?? '',
  parse: (item, ctx) => parseRazorpayEvent(item as RazorpayEvent, ctx),
};
