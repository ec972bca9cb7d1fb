import { BodyLimitError, parseBoundedJson } from '../http/parse-bounded-json';
import { FormRejection } from './form-rejection';

/**
 * A submission's fields from its raw body: JSON (an object) or `application/x-www-form-urlencoded`
 * (what a plain HTML form posts). A field sent twice in a urlencoded body keeps every value, so
 * validation can refuse it instead of silently picking one.
 */
export function readFormBody(contentType: string | undefined, rawBody: Buffer): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) {
    let parsed: unknown;
    try {
      parsed = parseBoundedJson(rawBody);
    } catch (err) {
      if (!(err instanceof BodyLimitError)) throw err;
      throw new FormRejection(err.reason, err.message);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FormRejection('malformed_body', 'JSON body must be an object of field → value');
    return parsed as Record<string, unknown>;
  }
  if (type === 'application/x-www-form-urlencoded') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(rawBody.toString('utf8'))) {
      const seen = out[key];
      out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return out;
  }
  throw new FormRejection('wrong_content_type', `content type must be application/json or application/x-www-form-urlencoded, got ${type || 'none'}`);
}
