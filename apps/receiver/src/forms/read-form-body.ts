import { FormRejection } from './form-rejection';

/**
 * A submission's fields from its raw body: JSON (an object) or `application/x-www-form-urlencoded`
 * (what a plain HTML form posts). A field sent twice in a urlencoded body keeps every value, so
 * validation can refuse it instead of silently picking one.
 */
export function readFormBody(contentType: string | undefined, rawBody: Buffer): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = rawBody.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new FormRejection('malformed_body', `body is not valid JSON: ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FormRejection('malformed_body', 'JSON body must be an object of field → value');
    return parsed as Record<string, unknown>;
  }
  if (type === 'application/x-www-form-urlencoded') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      const seen = out[key];
      out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return out;
  }
  throw new FormRejection('wrong_content_type', `content type must be application/json or application/x-www-form-urlencoded, got ${type || 'none'}`);
}
