/** Deepest nesting of arrays and objects a parsed body may have; real provider payloads stay under 15. */
export const MAX_BODY_DEPTH = 64;

export interface BodyLimits {
  maxDepth: number;
  /** Omitted where the raw body reader already enforced the byte limit (413 naming it). */
  maxBytes?: number;
}

/** A body refused before or while parsing; `reason` is the rejection reason webhooks and forms share. */
export class BodyLimitError extends Error {
  constructor(
    readonly reason: 'nesting_too_deep' | 'payload_too_large' | 'malformed_body',
    message: string,
  ) {
    super(message);
    this.name = 'BodyLimitError';
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting in JSON text, found in one loop (no recursion), stopping once past `max`. */
function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * The one JSON parse for every body the receiver reads (webhooks of every provider, lead forms).
 * The depth is checked before parsing: what we do with a parsed value afterwards (stringify it to
 * store it, validate it) recurses, and 10,000 levels overflow the stack — a 500 providers retry
 * forever. Refusals are BodyLimitErrors naming the limit, for the caller to answer 400.
 */
export function parseBoundedJson(raw: Buffer | string, limits: BodyLimits = { maxDepth: MAX_BODY_DEPTH }): unknown {
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (limits.maxBytes !== undefined && bytes > limits.maxBytes) throw new BodyLimitError('payload_too_large', `body is ${bytes} bytes, over the limit of ${limits.maxBytes}`);
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (exceedsDepth(text, limits.maxDepth)) throw new BodyLimitError('nesting_too_deep', `JSON nesting is deeper than the limit of ${limits.maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyLimitError('malformed_body', `body is not valid JSON: ${(err as Error).message}`);
  }
}
