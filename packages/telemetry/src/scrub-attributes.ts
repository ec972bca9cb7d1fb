import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { REDACTED, isSensitiveKey } from '@switchyard/logger';

/**
 * Attribute keys whose values are dropped whole: statement parameters (pg's enhanced reporting),
 * query strings, request/response bodies and anything naming a person. Header attributes are
 * judged by the header's name (isSensitiveKey: authorization, cookies, signatures, tokens).
 */
const DROPPED_KEY = /(\.values$|parameters|^url\.query$|\.body|(^|[._])(email|phone|e164|msisdn)($|[._])|^enduser\.|^user\.)/i;

// Anchored at the start of a run and bounded, so a long token without an @ costs one pass, not n².
const EMAIL = /(?<![A-Z0-9._%+-])[A-Z0-9._%+-]{1,64}@[A-Z0-9.-]{1,253}\.[A-Z]{2,24}/gi;
/** Phone numbers as providers send them: 10 to 15 digits, with or without a leading +. */
const PHONE = /(?<![\w-])\+?\d{10,15}(?![\w-])/g;
/** SQL string literals: a statement built with inline values would carry them. */
const SQL_LITERAL = /'(?:[^']|'')*'/g;
const SQL_KEY = /^db\.(statement|query\.text)$/;
const URL_KEY = /^(http\.url|http\.target|url\.full|http\.request\.url|url\.original)$/;

/** Keeps a URL's path and drops its query string and credentials: tokens and verify codes ride in queries. */
function scrubUrl(value: string): string {
  const q = value.indexOf('?');
  const noQuery = q === -1 ? value : `${value.slice(0, q)}?${REDACTED}`;
  return noQuery.replace(/\/\/[^/@\s]+@/, `//${REDACTED}@`);
}

function scrubString(key: string, value: string): string {
  let out = value;
  if (SQL_KEY.test(key)) out = out.replace(SQL_LITERAL, "'?'");
  if (URL_KEY.test(key)) out = scrubUrl(out);
  if (out.includes('@')) out = out.replace(EMAIL, '[email]');
  return out.replace(PHONE, '[phone]');
}

/** One attribute's safe value, or undefined when the attribute must go entirely. */
export function scrubAttribute(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
  if (value === undefined || isSensitiveKey(key) || DROPPED_KEY.test(key)) return undefined;
  if (typeof value === 'string') return scrubString(key, value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? scrubString(key, v) : v)) as AttributeValue;
  return value;
}

/** Scrubs `attributes` in place (the SDK hands processors its own object) and returns it. */
export function scrubAttributes(attributes: Attributes): Attributes {
  for (const [key, value] of Object.entries(attributes)) {
    const safe = scrubAttribute(key, value);
    if (safe === undefined) delete attributes[key];
    else attributes[key] = safe;
  }
  return attributes;
}
