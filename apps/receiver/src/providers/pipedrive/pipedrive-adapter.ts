import { z } from 'zod';
import { parseEventBody, parseJsonBody, requireJsonContentType } from '../shared/json-body';
import { secretListField } from '../shared/secrets';
import type { ProviderAdapter } from '../provider-adapter';
import { isPipedriveV1, parsePipedriveEvent, pipedriveEvent, pipedriveEventId, pipedriveFromV1, pipedriveV1Event, type PipedriveEvent } from './parse-pipedrive-event';
import { verifyPipedriveCredentials } from './verify-pipedrive-credentials';

const connectionSchema = z.object({ name: z.string(), user: z.string().min(1), password: secretListField });
export type PipedriveConnection = z.infer<typeof connectionSchema>;

/** Pipedrive webhooks v1 and v2: one change per request, authenticated with HTTP Basic credentials. */
export const pipedriveAdapter: ProviderAdapter<PipedriveConnection, PipedriveEvent> = {
  provider: 'pipedrive',
  connectionSchema,
  verify: (req, conn) => verifyPipedriveCredentials(req.headers.authorization, conn.user, conn.password),
  split(req) {
    requireJsonContentType(req);
    const payload = parseJsonBody(req);
    if (isPipedriveV1(payload)) return [{ payload, event: pipedriveFromV1(parseEventBody(pipedriveV1Event, payload, 'a Pipedrive v1 webhook')) }];
    return [{ payload, event: parseEventBody(pipedriveEvent, payload, 'a Pipedrive v2 webhook') }];
  },
  identify: (event) => pipedriveEventId(event),
  typeOf: (event) => `${event.meta.action}.${event.meta.entity}`,
  // Webhooks v1 bodies are read into the v2 shape by split, which marks them 1.0.
  apiVersions: { known: ['1.0', '2.0'], of: (event) => event.meta.version ?? null },
  parse: (event, ctx) => parsePipedriveEvent(event, ctx),
};
