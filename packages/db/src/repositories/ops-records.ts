import { EffectStatus } from '../generated/prisma/enums';
import type { Prisma } from '../generated/prisma/client';
import type { PrismaDb } from '../transaction';

/**
 * What the ops console reads and changes: dead-letter re-drives, attention items, parked effects,
 * entity timelines and the audit trail. Every state change here is conditional on the state the
 * operator saw, so two people clicking at once change a row once.
 */

/** Effect ledger statuses, for validating an operator's filter. */
export const opsEffectStatuses = Object.values(EffectStatus);
export type OpsEffectStatus = EffectStatus;

export interface EventSummary {
  id: string;
  provider: string;
  type: string;
  status: string;
}

export interface EffectSummary {
  id: string;
  kind: string;
  status: EffectStatus;
  queue: string;
}

export async function eventSummaries(db: PrismaDb, ids: string[]): Promise<Map<string, EventSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.inboundEvent.findMany({ where: { id: { in: ids } }, select: { id: true, provider: true, type: true, status: true } });
  return new Map(rows.map((r) => [r.id, r]));
}

export async function effectSummaries(db: PrismaDb, ids: string[]): Promise<Map<string, EffectSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.effect.findMany({ where: { id: { in: ids } }, select: { id: true, kind: true, status: true, queue: true } });
  return new Map(rows.map((r) => [r.id, r]));
}

/** dead → queued for a re-drive; false when the event is not dead (already re-driven, processed…). */
export async function requeueDeadEvent(db: PrismaDb, eventId: string): Promise<boolean> {
  const n = await db.$executeRawUnsafe(
    `UPDATE inbound_events SET status = 'queued', last_error = NULL, queued_at = now() WHERE id = $1::uuid AND status = 'dead'`,
    eventId,
  );
  return n > 0;
}

/** failed → pending for a re-drive; false when the effect is not failed. */
export async function requeueFailedEffect(db: PrismaDb, effectId: string): Promise<boolean> {
  const { count } = await db.effect.updateMany({ where: { id: effectId, status: 'failed' }, data: { status: 'pending', lastError: null } });
  return count > 0;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  target: string;
  reason?: string | null;
  details?: Prisma.InputJsonObject;
}

export interface AuditRecord {
  id: string;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  details: unknown;
  at: Date;
}

function auditRecord(row: { id: bigint; actor: string; action: string; target: string; reason: string | null; details: unknown; at: Date }): AuditRecord {
  // BigInt does not survive JSON; ids are opaque strings to clients.
  return { ...row, id: row.id.toString() };
}

export async function insertAuditEntry(db: PrismaDb, entry: NewAuditEntry): Promise<AuditRecord> {
  const row = await db.auditEntry.create({ data: { actor: entry.actor, action: entry.action, target: entry.target, reason: entry.reason ?? null, details: entry.details ?? {} } });
  return auditRecord(row);
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAuditEntries(db: PrismaDb, opts: { limit: number; before?: bigint; action?: string; target?: string }): Promise<AuditRecord[]> {
  const rows = await db.auditEntry.findMany({
    where: { id: opts.before === undefined ? undefined : { lt: opts.before }, action: opts.action, target: opts.target },
    orderBy: { id: 'desc' },
    take: opts.limit,
  });
  return rows.map(auditRecord);
}

/** How many audit entries of `action` carry `details[key] = value` (e.g. earlier re-drives of one job). */
export async function countAuditEntries(db: PrismaDb, action: string, key: string, value: string): Promise<number> {
  return db.auditEntry.count({ where: { action, details: { path: [key], equals: value } } });
}

export interface AttentionWithEvent {
  id: string;
  kind: string;
  entityType: string;
  entityKey: string;
  summary: string;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  event: (EventSummary & { receivedAt: Date }) | null;
}

const attentionSelect = {
  id: true,
  kind: true,
  entityType: true,
  entityKey: true,
  eventId: true,
  summary: true,
  createdAt: true,
  resolvedAt: true,
  resolvedBy: true,
  resolution: true,
} as const;

async function withEvents(db: PrismaDb, rows: (Omit<AttentionWithEvent, 'event'> & { eventId: string | null })[]): Promise<AttentionWithEvent[]> {
  const ids = [...new Set(rows.map((r) => r.eventId).filter((id): id is string => !!id))];
  const events = ids.length
    ? new Map((await db.inboundEvent.findMany({ where: { id: { in: ids } }, select: { id: true, provider: true, type: true, status: true, receivedAt: true } })).map((e) => [e.id, e]))
    : new Map();
  return rows.map(({ eventId, ...r }) => ({ ...r, event: (eventId && events.get(eventId)) || null }));
}

/** Unresolved items, newest first, each with a summary of the event that raised it. */
export async function listOpenAttention(db: PrismaDb, limit: number): Promise<AttentionWithEvent[]> {
  const rows = await db.attentionItem.findMany({ where: { resolvedAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit, select: attentionSelect });
  return withEvents(db, rows);
}

export type ResolveOutcome<T> = { ok: true; row: T } | { ok: false; reason: 'not_found' | 'conflict'; current?: string };

/** Sets resolved_at/by/resolution once; a second resolve is a conflict, never an overwrite. */
export async function resolveAttention(db: PrismaDb, id: string, by: string, resolution: string): Promise<ResolveOutcome<AttentionWithEvent>> {
  const { count } = await db.attentionItem.updateMany({ where: { id, resolvedAt: null }, data: { resolvedAt: new Date(), resolvedBy: by, resolution } });
  const row = await db.attentionItem.findUnique({ where: { id }, select: attentionSelect });
  if (!row) return { ok: false, reason: 'not_found' };
  if (count === 0) return { ok: false, reason: 'conflict', current: `resolved by ${row.resolvedBy ?? 'unknown'} at ${row.resolvedAt?.toISOString() ?? '?'}` };
  const [withEvent] = await withEvents(db, [row]);
  return { ok: true, row: withEvent as AttentionWithEvent };
}

export interface EffectListItem {
  id: string;
  kind: string;
  businessKey: string;
  status: EffectStatus;
  queue: string;
  provider: string;
  connection: string;
  eventId: string | null;
  entityType: string;
  entityKey: string;
  request: unknown;
  providerRef: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  doneAt: Date | null;
}

const effectSelect = {
  id: true,
  kind: true,
  businessKey: true,
  status: true,
  queue: true,
  provider: true,
  connection: true,
  eventId: true,
  entityType: true,
  entityKey: true,
  request: true,
  providerRef: true,
  attempts: true,
  lastError: true,
  createdAt: true,
  updatedAt: true,
  sentAt: true,
  doneAt: true,
} as const;

/** Effects in one status, the longest-waiting first (the order a person should work through them). */
export async function listEffectsByStatus(db: PrismaDb, status: EffectStatus, limit: number): Promise<EffectListItem[]> {
  return db.effect.findMany({ where: { status }, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: limit, select: effectSelect });
}

/**
 * A person's decision on a parked effect (outcome unknown): `sent` → done (they confirmed it
 * happened), `resend` → pending (the caller enqueues it again). Only from parked.
 */
export async function resolveParkedEffect(db: PrismaDb, id: string, outcome: 'sent' | 'resend'): Promise<ResolveOutcome<EffectListItem>> {
  const data = outcome === 'sent' ? { status: 'done' as const, doneAt: new Date(), lastError: null } : { status: 'pending' as const, lastError: null };
  const { count } = await db.effect.updateMany({ where: { id, status: 'parked' }, data });
  const row = await db.effect.findUnique({ where: { id }, select: effectSelect });
  if (!row) return { ok: false, reason: 'not_found' };
  if (count === 0) return { ok: false, reason: 'conflict', current: row.status };
  return { ok: true, row };
}

export interface EntityStory {
  events: { id: string; provider: string; type: string; canonicalType: string | null; status: string; queue: string | null; receivedAt: Date; occurredAt: Date | null; processedAt: Date | null; lastError: string | null }[];
  effects: EffectListItem[];
  attention: Omit<AttentionWithEvent, 'event'>[];
  /**
   * The messages these effects sent, as they stand now: a send the provider accepted can still
   * fail later (a 131026 status webhook), and only the message row knows.
   */
  messages: { id: string; channel: string; status: string; errorCode: string | null; errorMessage: string | null; effectId: string | null; lastOccurredAt: Date | null; updatedAt: Date }[];
}

/** Everything stored about one business entity, each kind in time order. */
export async function entityStory(db: PrismaDb, entityType: string, entityKey: string, limit: number): Promise<EntityStory> {
  const [events, effects, attention] = await Promise.all([
    db.inboundEvent.findMany({
      where: { entityType, entityKey },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, provider: true, type: true, canonicalType: true, status: true, queue: true, receivedAt: true, occurredAt: true, processedAt: true, lastError: true },
    }),
    db.effect.findMany({ where: { entityType, entityKey }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit, select: effectSelect }),
    db.attentionItem.findMany({
      where: { entityType, entityKey },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, kind: true, entityType: true, entityKey: true, summary: true, createdAt: true, resolvedAt: true, resolvedBy: true, resolution: true },
    }),
  ]);
  const sent = effects.filter((e) => e.providerRef).map((e) => e.id);
  const messages = sent.length
    ? await db.message.findMany({
        where: { effectId: { in: sent } },
        orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
        select: { id: true, channel: true, status: true, errorCode: true, errorMessage: true, effectId: true, lastOccurredAt: true, updatedAt: true },
      })
    : [];
  return { events, effects, attention, messages };
}
