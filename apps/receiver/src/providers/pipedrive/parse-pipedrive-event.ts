import { z } from 'zod';
import type { CanonicalEvent } from '@switchyard/domain';
import type { ParseContext, ParsedEvent } from '../provider-adapter';

const idLike = z.union([z.string().min(1), z.number()]);

/** A webhooks v2 body: `meta` says what happened, `data` is the object now, `previous` the changed fields before. */
export const pipedriveEvent = z.looseObject({
  meta: z.looseObject({
    action: z.string().min(1),
    entity: z.string().min(1),
    entity_id: idLike.optional(),
    webhook_id: idLike,
    timestamp: idLike,
    attempt: z.number().optional(),
    version: z.string().optional(),
  }),
  data: z.record(z.string(), z.unknown()).nullish(),
  previous: z.record(z.string(), z.unknown()).nullish(),
});
export type PipedriveEvent = z.infer<typeof pipedriveEvent>;

/**
 * A webhooks v1 body (`"v": 1`): `meta.object` / `meta.id` name the entity, `current` and `previous`
 * are the whole object after and before, `event` is `<action>.<object>` with v1's verbs (added, updated,
 * deleted, merged). Read into the v2 shape, so one parser maps both; the stored payload stays v1.
 */
export const pipedriveV1Event = z.looseObject({
  meta: z.looseObject({
    v: z.number().optional(),
    action: z.string().min(1),
    object: z.string().min(1),
    id: idLike.optional(),
    webhook_id: idLike,
    timestamp: idLike,
  }),
  current: z.record(z.string(), z.unknown()).nullish(),
  previous: z.record(z.string(), z.unknown()).nullish(),
  retry: z.number().optional(),
});

/** v1 says so in `v` (top level and in meta); v2 has `meta.version` "2.0". */
export function isPipedriveV1(body: unknown): boolean {
  const b = body as { v?: unknown; meta?: { v?: unknown } } | null;
  return typeof b === 'object' && b !== null && (b.v === 1 || b.meta?.v === 1);
}

export function pipedriveFromV1(body: z.infer<typeof pipedriveV1Event>): PipedriveEvent {
  const { meta } = body;
  return {
    meta: { action: meta.action, entity: meta.object, entity_id: meta.id, webhook_id: meta.webhook_id, timestamp: meta.timestamp, attempt: body.retry, version: '1.0' },
    data: body.current,
    previous: body.previous,
  };
}

/**
 * Pipedrive v2 sends one webhook per change and repeats it (attempt 2, 3...) with the same meta, so
 * webhook + entity + id + action + the change's timestamp identify it. meta.id is not used: its
 * stability across attempts is not documented, and in some samples it is the entity's id.
 */
export function pipedriveEventId(event: PipedriveEvent): string {
  const m = event.meta;
  return `${m.webhook_id}:${m.entity}:${m.entity_id ?? ''}:${m.action}:${m.timestamp}`;
}

/** ISO strings, or unix seconds/milliseconds as numbers or digit strings. */
function timeOf(value: string | number): Date | null {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : null;
  const at = n === null ? new Date(value) : new Date(n < 1e12 ? n * 1000 : n);
  return Number.isNaN(at.getTime()) ? null : at;
}

const person = z.looseObject({
  id: idLike.optional(),
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  // v2 names them emails/phones; v1-shaped data used email/phone.
  emails: z.array(z.looseObject({ value: z.string().nullish(), primary: z.boolean().nullish() })).nullish(),
  email: z.array(z.looseObject({ value: z.string().nullish(), primary: z.boolean().nullish() })).nullish(),
  phones: z.array(z.looseObject({ value: z.string().nullish(), primary: z.boolean().nullish() })).nullish(),
  phone: z.array(z.looseObject({ value: z.string().nullish(), primary: z.boolean().nullish() })).nullish(),
});
const deal = z.looseObject({ id: idLike.optional(), stage_id: idLike, person_id: idLike.nullish() });

function primary(list: { value?: string | null; primary?: boolean | null }[] | null | undefined): string | undefined {
  const chosen = list?.find((e) => e.primary && e.value) ?? list?.find((e) => e.value);
  return chosen?.value ?? undefined;
}

const created = new Set(['create', 'added']);
const changed = new Set(['change', 'updated']);

/**
 * deal change that moved `stage_id` → deal.stage_changed; person create → contact.created; person
 * change → contact.updated. Deletions, other deal changes, deal creation and every other entity
 * are stored as ignored.
 */
export function parsePipedriveEvent(event: PipedriveEvent, ctx: ParseContext): ParsedEvent {
  const { meta } = event;
  const occurredAt = timeOf(meta.timestamp);
  const base = { provider: ctx.provider, connection: ctx.connection, providerEventId: ctx.providerEventId, occurredAt: (occurredAt ?? new Date()).toISOString() };
  const type = `${meta.action}.${meta.entity}`;
  let canonical: CanonicalEvent | null = null;
  if (meta.entity === 'deal' && changed.has(meta.action) && event.previous && 'stage_id' in event.previous) {
    const d = deal.parse(event.data);
    const old = event.previous.stage_id;
    if (String(old) !== String(d.stage_id)) {
      canonical = {
        ...base,
        type: 'deal.stage_changed',
        objectType: 'deal',
        objectId: String(d.id ?? meta.entity_id),
        oldStage: old === null || old === undefined ? null : String(old),
        newStage: String(d.stage_id),
        contact: d.person_id ? { id: String(d.person_id) } : {},
      };
    }
  } else if (meta.entity === 'person' && (created.has(meta.action) || changed.has(meta.action))) {
    const p = person.parse(event.data);
    const contactId = p.id ?? meta.entity_id;
    if (contactId === undefined) throw new Error('person event has neither data.id nor meta.entity_id');
    canonical = {
      ...base,
      type: created.has(meta.action) ? 'contact.created' : 'contact.updated',
      contactId: String(contactId),
      email: primary(p.emails ?? p.email),
      phone: primary(p.phones ?? p.phone),
      name: p.name ?? ([p.first_name, p.last_name].filter(Boolean).join(' ') || undefined),
      properties: event.data ?? {},
    };
  }
  return { type, occurredAt, canonical };
}
