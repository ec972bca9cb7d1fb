import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
import type { ProviderAdapter } from '../provider-adapter';
import { hubspotEvent, parseHubspotEvent, type HubspotEvent } from './parse-hubspot-event';
import { verifyHubspotSignature } from './verify-hubspot-signature';

const connectionSchema = z.object({ name: z.string(), clientSecret: secretListField });
export type HubspotConnection = z.infer<typeof connectionSchema>;

/**
 * HubSpot POSTs a JSON array of up to 100 events. Larger arrays are accepted as they are: refusing
 * a signed batch would only make HubSpot retry it and eventually drop it.
 */
export const hubspotAdapter: ProviderAdapter<HubspotConnection, HubspotEvent> = {
  provider: 'hubspot',
  connectionSchema,
  verify: (req, conn, now) => verifyHubspotSignature({ method: req.method, uri: req.publicUrl, headers: req.headers, rawBody: req.rawBody }, conn.clientSecret, now),
  split(req) {
    requireJsonContentType(req);
    const body = parseJsonBody(req);
    if (!Array.isArray(body)) throw new WebhookRejection('malformed_body', 'expected a JSON array of HubSpot events');
    const issues: string[] = [];
    const items = body.flatMap((payload: unknown, i) => {
      const parsed = hubspotEvent.safeParse(payload);
      if (parsed.success) return [{ payload, event: parsed.data }];
      issues.push(...parsed.error.issues.map((issue) => `[${i}]${issue.path.length ? `.${issue.path.join('.')}` : ''} ${issue.message}`));
      return [];
    });
    if (issues.length) throw new WebhookRejection('malformed_body', `not a batch of HubSpot events: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`);
    return items;
  },
  identify: (event) => String(event.eventId),
  typeOf: (event) => event.subscriptionType,
  // HubSpot versions its webhook requests by signature (v1/v2 legacy, v3 with a timestamp); the event shape is the same.
  apiVersions: { known: ['v1', 'v2', 'v3'], of: (_event, req) => (req.headers['x-hubspot-signature-v3'] ? 'v3' : (req.headers['x-hubspot-signature-version'] ?? 'v1').trim().toLowerCase()) },
  parse: (event, ctx) => parseHubspotEvent(event, ctx),
};
