/** Header and field names whose values never reach a log line, error or API answer. */
const SENSITIVE = /(authorization|cookie|secret|password|token|signature|api[-_]?key|x-hub-signature|stripe-signature|webhook-signature|x-twilio-signature|x-razorpay-signature|paypal-transmission-sig)/i;

export const REDACTED = '[redacted]';

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE.test(key);
}

/** Deep copy with sensitive keys' values replaced; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSensitiveKey(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

/** Headers safe to store and show: sensitive ones dropped entirely. */
export function safeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || isSensitiveKey(k)) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
