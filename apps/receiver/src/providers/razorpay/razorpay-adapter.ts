import { z } from 'zod';
import { parseEventBody, parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
import type { ProviderAdapter } from '../provider-adapter';
import { parseRazorpayEvent, razorpayEvent, type RazorpayEvent } from './parse-razorpay-event';
import { verifyRazorpaySignature } from './verify-razorpay-signature';

const connectionSchema = z.object({ name: z.string(), webhookSecret: secretListField });
export type RazorpayConnection = z.infer<typeof connectionSchema>;

const EVENT_ID_HEADER = 'x-razorpay-event-id';

export const razorpayAdapter: ProviderAdapter<RazorpayConnection, RazorpayEvent> = {
  provider: 'razorpay',
  connectionSchema,
  verify: (req, conn) => verifyRazorpaySignature(req.headers['x-razorpay-signature'], req.rawBody, conn.webhookSecret),
  split(req) {
    requireJsonContentType(req);
    // The body has no event id of its own; without the header a redelivery could not be recognised.
    if (!req.headers[EVENT_ID_HEADER]?.trim()) throw new WebhookRejection('malformed_body', 'missing x-razorpay-event-id header (Razorpay\'s event id, needed to recognise redeliveries)');
    const payload = parseJsonBody(req);
    return [{ payload, event: parseEventBody(razorpayEvent, payload, 'a Razorpay event') }];
  },
  identify: (_event, req) => req.headers[EVENT_ID_HEADER]?.trim() ?? '',
  typeOf: (event) => event.event,
  parse: (event, ctx) => parseRazorpayEvent(event, ctx),
};
