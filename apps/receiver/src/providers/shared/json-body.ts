import type { z } from 'zod';
import { BodyLimitError, parseBoundedJson } from '../../http/parse-bounded-json';
import { WebhookRejection } from '../webhook-rejection';
import type { InboundRequest } from '../provider-adapter';

export function requireJsonContentType(request: InboundRequest): void {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) throw new WebhookRejection('wrong_content_type', `expected Content-Type application/json, got "${type || 'none'}"`);
}

/** Every provider's JSON body goes through here: nesting is bounded (the byte size already was, when the body was read). */
export function parseJsonBody(request: InboundRequest): unknown {
  try {
    return parseBoundedJson(request.rawBody);
  } catch (err) {
    if (!(err instanceof BodyLimitError)) throw err;
    throw new WebhookRejection(err.reason, err.message);
  }
}

/** Validates a provider body with its schema, or refuses it with 400 naming every problem. */
export function parseEventBody<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new WebhookRejection('malformed_body', `not ${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
}
