/**
 * What identifies one person for an erasure, and how their data is masked: pure functions, so the
 * matching rules are tested without a database. The same regular expression runs in Postgres
 * (`~*`, to find the rows) and here (to rewrite them).
 */
export interface PersonIdentifiers {
  /** Lower-cased. */
  emails: string[];
  /** Digits only (E.164 without +). */
  phones: string[];
  /** As stored; masked only inside rows that carry one of the emails or phones. */
  names: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return EMAIL.test(email) ? email : null;
}

/** Fewer than 7 digits would match far more than one person's number. */
export function normalizePhone(value: string): string | null {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 ? digits : null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
/** Digits with the separators people write between them (spaces, dots, dashes, brackets). */
const phonePattern = (digits: string) => `(?<![0-9])${digits.split('').join('[ ().-]{0,2}')}(?![0-9])`;

/** One pattern matching any email or phone of the person; valid in JavaScript and in Postgres AREs (case-insensitive there with `~*`). */
export function identifierPattern(ids: Pick<PersonIdentifiers, 'emails' | 'phones'>): string | null {
  const parts = [...ids.emails.map(escape), ...ids.phones.map(phonePattern)];
  return parts.length ? parts.join('|') : null;
}

export interface PersonMasker {
  /** Whether a text carries one of the person's emails or phones. */
  matches(text: string | null | undefined): boolean;
  /** The text with every email and phone replaced by its token, and (with `names`) every name by `[erased]`. */
  text(value: string, opts?: { names?: boolean }): string;
  json(value: unknown): unknown;
}

export const ERASED = '[erased]';

/**
 * Masks one person's identifiers. Each email and phone becomes its own token
 * (`erased-<erasureId>-<n>`), so keys built from them (lead dedup keys, effect business keys)
 * stay distinct and unique, and nothing derived from the value (not even a hash) is kept.
 */
export function personMasker(ids: PersonIdentifiers, erasureId: string): PersonMasker {
  const identifiers = [...ids.emails.map((e) => ({ re: escape(e) })), ...ids.phones.map((p) => ({ re: phonePattern(p) }))].map((x, i) => ({
    re: new RegExp(x.re, 'gi'),
    token: `erased-${erasureId}-${i + 1}`,
  }));
  const names = [...new Set(ids.names.map((n) => n.trim()).filter((n) => n.length >= 3))].sort((a, b) => b.length - a.length).map((n) => new RegExp(escape(n), 'gi'));
  const pattern = identifierPattern(ids);
  const any = pattern ? new RegExp(pattern, 'i') : null;
  const text = (value: string, opts: { names?: boolean } = {}) => {
    let out = value;
    for (const { re, token } of identifiers) out = out.replace(re, token);
    if (opts.names !== false) for (const re of names) out = out.replace(re, ERASED);
    return out;
  };
  const json = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(json);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), json(v)]));
    return value;
  };
  return { matches: (t) => !!t && !!any && any.test(t), text, json };
}
