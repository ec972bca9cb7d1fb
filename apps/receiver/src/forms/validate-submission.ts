import type { Settings } from '@switchyard/settings';
import type { FieldProblem } from './form-rejection';

type FormSettings = Settings['forms'][string];
type FieldSettings = FormSettings['fields'][string];
export type FieldValue = string | number | boolean;

export type ValidationResult = { ok: true; values: Record<string, FieldValue> } | { ok: false; problems: FieldProblem[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TRUE = new Set(['true', 'on', 'yes', '1']);
const FALSE = new Set(['false', 'off', 'no', '0']);

const isMissing = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** One field: its normalised value, or what is wrong with it. */
function checkField(spec: FieldSettings, raw: unknown): { value: FieldValue } | { problem: string } {
  if (spec.type === 'boolean') {
    if (typeof raw === 'boolean') return { value: raw };
    const s = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (TRUE.has(s)) return { value: true };
    if (FALSE.has(s)) return { value: false };
    return { problem: 'must be true or false' };
  }
  if (spec.type === 'number') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
    return Number.isFinite(n) ? { value: n } : { problem: 'not a number' };
  }
  if (typeof raw !== 'string') return { problem: 'must be text' };
  const text = raw.trim();
  if (text.length > spec.maxLength) return { problem: `too long (at most ${spec.maxLength} characters)` };
  switch (spec.type) {
    case 'email':
      return EMAIL.test(text) ? { value: text.toLowerCase() } : { problem: 'not an email address' };
    case 'phone': {
      const digits = text.replace(/[\s\-()+]/g, '');
      return /^\d{8,15}$/.test(digits) ? { value: digits } : { problem: 'not a phone number (8 to 15 digits, with optional +, spaces, dashes and parentheses)' };
    }
    case 'enum':
      return spec.values?.includes(text) ? { value: text } : { problem: `not allowed (one of: ${(spec.values ?? []).join(', ')})` };
    default:
      return { value: text };
  }
}

/**
 * Checks a submission against its form: every declared field, and no undeclared one. Returns every
 * problem at once, or the values normalised (trimmed text, lower-case email, digits-only phone).
 */
export function validateSubmission(form: FormSettings, body: Record<string, unknown>): ValidationResult {
  const problems: FieldProblem[] = [];
  const values: Record<string, FieldValue> = {};
  for (const [field, spec] of Object.entries(form.fields)) {
    const raw = Object.hasOwn(body, field) ? body[field] : undefined;
    if (isMissing(raw)) {
      if (spec.required) problems.push({ field, problem: 'required' });
      continue;
    }
    if (Array.isArray(raw)) {
      problems.push({ field, problem: 'sent more than once' });
      continue;
    }
    const checked = checkField(spec, raw);
    if ('problem' in checked) problems.push({ field, problem: checked.problem });
    else values[field] = checked.value;
  }
  for (const field of Object.keys(body)) if (!Object.hasOwn(form.fields, field)) problems.push({ field, problem: 'unknown field' });
  return problems.length ? { ok: false, problems } : { ok: true, values };
}
