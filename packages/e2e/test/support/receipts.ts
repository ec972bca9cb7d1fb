import { createSubject, mulberry32, WHATSAPP_MAGIC_SUFFIXES, type Subject } from '@switchyard/sandbox';

/** A WhatsApp send as the sandbox recorded its body. */
export type Send = { to: string; biz_opaque_callback_data?: string };

/** How many sends per key (our effect id, the customer's phone). */
export function countBy(sends: Send[], key: (s: Send) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of sends) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
  return counts;
}

/**
 * `count` subjects with distinct phones (two seeds can draw the same 7 random digits), none
 * ending in a sandbox magic suffix (undeliverable, throughput cap, ...): every receipt goes out.
 */
export function receiptSubjects(count: number): Subject[] {
  const byPhone = new Map<string, Subject>();
  const magic = Object.values(WHATSAPP_MAGIC_SUFFIXES);
  for (let seed = 10_000; byPhone.size < count; seed++) {
    const s = createSubject(mulberry32(seed));
    if (!byPhone.has(s.phone) && !magic.some((m) => s.phone.endsWith(m))) byPhone.set(s.phone, s);
  }
  return [...byPhone.values()];
}
