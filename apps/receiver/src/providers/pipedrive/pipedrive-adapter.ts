import { z } from 'zod';
import { parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import { WebhookRejection } from '../webhook-rejection';
import type { ProviderAdapter } from '../provider-adapter';
import { parsePipedriveEvent, pipedriveEvent, pipedriveEventId } from './parse-pipedrive-event';
import { verifyPipedriveCredentials } from './verify-pipedrive-credentials';

const connectionSchema = z.object({ name: z.string(), user: z.string().min(1), password: secretListField });
export type PipedriveConnection = z.infer<typeof connectionSchema>;

/** Pipedrive webhooks v2: one change per request, authenticated with HTTP Basic credentials. */
export const pipedriveAdapter: ProviderAdapter<PipedriveConnection> = {
  provider: 'pipedrive',
  connectionSchema,
  verify: (req, conn) => verifyPipedriveCredentials(req.headers.authorization, conn.user, conn.password),
  split(req) {
    requireJsonContentType(req);
    const body = parseJsonBody(req);
    const parsed = pipedriveEvent.safeParse(body);
    if (!parsed.success) throw new WebhookRejection('malformed_body', `not a Pipedrive v2 webhook: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
    // The original is stored, not the parsed copy, so the payload is exactly what Pipedrive sent.
    return [body];
  },
  identify: (item) => pipedriveEventId(pipedriveEvent.parse(item)),
  parse: (item, ctx) => parsePipedriveEvent(pipedriveEvent.parse(item), ctx),
};
