import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WebhookRejection } from '../webhook-rejection';

const metadata = z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string().optional() }).partial();
const contact = z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() });
export const whatsappMessage = z.looseObject({ id: z.string().min(1), from: z.string(), timestamp: z.string().optional(), type: z.string() });
export const whatsappStatus = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  /** Group messages: `recipient_type: "group"`, recipient_id the group, this the member the status is about. */
  recipient_type: z.string().optional(),
  recipient_participant_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(z.object({ code: z.union([z.number(), z.string()]), title: z.string().optional(), message: z.string().optional(), error_data: z.object({ details: z.string().optional() }).optional() })).optional(),
});
export const templateUpdate = z.looseObject({
  event: z.string().min(1),
  message_template_id: z.union([z.number(), z.string()]),
  message_template_name: z.string(),
  message_template_language: z.string().optional(),
  reason: z.string().nullish(),
});

const envelope = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.record(z.string(), z.unknown()) })),
    }),
  ),
});

/** One event out of a delivery: Meta batches many updates of one account into `entry[].changes[]`. */
export type WhatsappItem =
  | { kind: 'message'; message: z.infer<typeof whatsappMessage>; profileName?: string; to?: string; phoneNumberId?: string }
  | { kind: 'status'; status: z.infer<typeof whatsappStatus>; phoneNumberId?: string }
  | { kind: 'template'; update: z.infer<typeof templateUpdate>; time?: number }
  | { kind: 'other'; field: string; id: string; value: unknown; time?: number };

function issues(error: z.ZodError, where: string): string {
  return error.issues.map((i) => `${[where, ...i.path].join('.')} ${i.message}`).join('; ');
}

function parseAt<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new WebhookRejection('malformed_body', `not a WhatsApp webhook: ${issues(parsed.error, where)}`);
  return parsed.data;
}

/**
 * Fields we do not act on (account_update, phone_number_quality_update, ...) carry no id of their
 * own; the content hash makes a redelivery of the same change land on the same row.
 */
function otherId(field: string, entryId: string, time: number | undefined, value: unknown): string {
  return `${field}:${entryId}:${time ?? ''}:${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32)}`;
}

export function splitWhatsappDelivery(body: unknown): WhatsappItem[] {
  const { entry } = parseAt(envelope, body, 'body');
  const items: WhatsappItem[] = [];
  entry.forEach((e, ei) =>
    e.changes.forEach((change, ci) => {
      const where = `entry.${ei}.changes.${ci}.value`;
      const value = change.value;
      if (change.field === 'messages') {
        const meta = parseAt(metadata.optional(), value.metadata, `${where}.metadata`);
        const contacts = parseAt(z.array(contact).optional(), value.contacts, `${where}.contacts`) ?? [];
        for (const [i, raw] of ((value.messages as unknown[] | undefined) ?? []).entries()) {
          const message = parseAt(whatsappMessage, raw, `${where}.messages.${i}`);
          const profileName = contacts.find((c) => c.wa_id === message.from)?.profile?.name ?? (contacts.length === 1 ? contacts[0]?.profile?.name : undefined);
          items.push({ kind: 'message', message, profileName, to: meta?.display_phone_number, phoneNumberId: meta?.phone_number_id });
        }
        for (const [i, raw] of ((value.statuses as unknown[] | undefined) ?? []).entries()) items.push({ kind: 'status', status: parseAt(whatsappStatus, raw, `${where}.statuses.${i}`), phoneNumberId: meta?.phone_number_id });
        // `value.errors` (account-level errors with no message) have no id to deduplicate on; they are not stored.
      } else if (change.field === 'message_template_status_update') {
        items.push({ kind: 'template', update: parseAt(templateUpdate, value, where), time: e.time });
      } else {
        items.push({ kind: 'other', field: change.field, id: otherId(change.field, e.id, e.time, value), value, time: e.time });
      }
    }),
  );
  return items;
}

/**
 * A status id is the message's wamid, shared by its sent/delivered/read updates, so the status is
 * part of the key; a group message's wamid is also shared by its members, so the member is too
 * (only for group statuses, so one-to-one keys stay what they were). A template's id plus its new
 * status likewise.
 */
export function identifyWhatsappItem(item: WhatsappItem): string {
  switch (item.kind) {
    case 'message':
      return item.message.id;
    case 'status':
      return item.status.recipient_participant_id ? `${item.status.id}:${item.status.status}:${item.status.recipient_participant_id}` : `${item.status.id}:${item.status.status}`;
    case 'template':
      return `${item.update.message_template_id}:${item.update.event}`;
    case 'other':
      return item.id;
  }
}
