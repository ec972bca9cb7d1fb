/**
 * How the console shows personal data until a role may reveal it: enough to tell two customers
 * apart, not enough to contact them. Search results (routes/search.ts) are masked here; revealing
 * the full value for a role that may see it belongs in this module too, next to these masks.
 */

export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** "+44 ••• ••• 123": the first two and last three digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '•••';
  return `+${digits.slice(0, 2)} ••• ••• ${digits.slice(-3)}`;
}

/** "Jane Doe" → "J*** D***". */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  return name
    .trim()
    .split(/\s+/)
    .map((word) => `${word[0] ?? ''}***`)
    .join(' ');
}

/** A payment's customer object (provider-shaped JSON) with its email, phone and name masked. */
export function maskCustomer(customer: unknown): Record<string, unknown> {
  if (!customer || typeof customer !== 'object' || Array.isArray(customer)) return {};
  const c = customer as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    ...(typeof c.id === 'string' ? { id: c.id } : {}),
    ...(c.email !== undefined ? { email: maskEmail(str(c.email)) } : {}),
    ...(c.phone !== undefined ? { phone: maskPhone(str(c.phone)) } : {}),
    ...(c.name !== undefined ? { name: maskName(str(c.name)) } : {}),
  };
}
