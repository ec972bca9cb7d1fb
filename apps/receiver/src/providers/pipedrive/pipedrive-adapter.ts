import { z } from 'zod';
import { parseEventBody, parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import type { ProviderAdapter } from '../provider-adapter';
import { parsePipedriveEvent, pipedriveEvent, pipedriveEventId, type PipedriveEvent } from './parse-pipedrive-event';
import { verifyPipedriveCredentials } from './verify-pipedrive-credentials';

const connectionSchema = z.object({ name: z.string(), user: z.string().min(1), password: secretListField });
export type PipedriveConnection = z.infer<typeof connectionSchema>;

/** Pipedrive webhooks v2: one change per request, authenticated with HTTP Basic credentials. */
export const pipedriveAdapter: ProviderAdapter<PipedriveConnection, PipedriveEvent> = {
  provider: 'pipedrive',
  connectionSchema,
  verify: (req, conn) => verifyPipedriveCredentials(req.headers.authorization, conn.user, conn.password),
  split(req) {
    requireJsonContentType(req);
    const payload = parseJsonBody(req);
    return [{ payload, event: parseEventBody(pipedriveEvent, payload, 'a Pipedrive v2 webhook') }];
  },
  identify: (event) => pipedriveEventId(event),
  typeOf: (event) => `${event.meta.action}.${event.meta.entity}`,
  parse: (event, ctx) => parsePipedriveEvent(event, ctx),
};
