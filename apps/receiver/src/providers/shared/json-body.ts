import type { z } from 'zod';
import { WebhookRejection } from '../webhook-rejection';
import type { InboundRequest } from '../provider-adapter';

export function requireJsonContentType(request: InboundRequest): void {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) throw new WebhookRejection('wrong_content_type', `expected Content-Type application/json, got "${type || 'none'}"`);
}

export function parseJsonBody(request: InboundRequest): unknown {
  try {
    return JSON.parse(request.rawBody.toString('utf8'));
  } catch (err) {
    throw new WebhookRejection('malformed_body', `body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates a provider body with its schema, or refuses it with 400 naming every problem. */
export function parseEventBody<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new WebhookRejection('malformed_body', `not ${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
}
