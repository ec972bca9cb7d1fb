import type { EntityKeySeal } from './entity-key-seal';

/** Entity types whose key is personal data (a phone number; `email:<address>` or `phone:<digits>`). */
const PERSONAL_KEYS = new Set(['contact', 'lead']);

export function hasPersonalKey(type: string): boolean {
  return PERSONAL_KEYS.has(type);
}

export interface EntityLink {
  type: string;
  key: string;
  /** The entity page (routes/entities.ts). */
  href: string;
}

/** A link to an entity page; contact and lead keys are sealed so the link carries no personal data. */
export function entityLink(keys: EntityKeySeal, type: string, key: string): EntityLink {
  const shown = hasPersonalKey(type) ? keys.seal(key) : key;
  return { type, key: shown, href: `/api/entities/${type}/${encodeURIComponent(shown)}` };
}
