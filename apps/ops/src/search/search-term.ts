import { normalizeEmail } from '@switchyard/domain';
import type { ConsoleSearchTerm } from '@switchyard/db';

export const MAX_QUERY_LENGTH = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What people put in a phone number besides digits: a leading +, spaces, dots, dashes, brackets. */
const PHONE_LIKE = /^\+?[\d\s().-]+$/;
/** Fewer digits would match the tail of too many numbers (the same floor as normalizePhone). */
const MIN_PHONE_DIGITS = 7;
const MAX_PHONE_DIGITS = 15;

/**
 * The digits a stored number (E.164 without +, as contacts, leads and the payment fold keep it)
 * must end with. "+44 7700 900123" and "0044-7700-900123" carry the country code (00 is the
 * international prefix); "07700 900123" and "(770) 090-0123" do not (a leading 0 is a trunk
 * prefix), so their national digits are matched as the end of the stored number.
 */
export function phoneSuffix(text: string): string | null {
  if (!PHONE_LIKE.test(text)) return null;
  let digits = text.replace(/\D/g, '');
  if (!text.startsWith('+')) digits = digits.startsWith('00') ? digits.slice(2) : digits.replace(/^0/, '');
  return digits.length >= MIN_PHONE_DIGITS && digits.length <= MAX_PHONE_DIGITS ? digits : null;
}

/** What a typed query may be. Every reading is searched at once: an id can look like a phone number. */
export function searchTerm(q: string, limit: number): ConsoleSearchTerm {
  const text = q.trim();
  return { text, email: normalizeEmail(text), phoneSuffix: phoneSuffix(text), uuid: UUID.test(text) ? text.toLowerCase() : null, limit };
}
