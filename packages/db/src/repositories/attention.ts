import { randomUUID } from 'node:crypto';
import type { Sql } from '../transaction';

/** Flags something a person must act on; one open item per (kind, entity). */
export async function raiseAttention(db: Sql, item: { kind: string; entityType: string; entityKey: string; eventId: string | null; summary: string }): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO attention_items (id, kind, entity_type, entity_key, event_id, summary) VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6)
     ON CONFLICT (kind, entity_type, entity_key) DO NOTHING`,
    randomUUID(),
    item.kind,
    item.entityType,
    item.entityKey,
    item.eventId,
    item.summary,
  );
}

/** Sets the entity an inbound event is about, for the entity timeline. */
export async function tagEventEntity(db: Sql, eventId: string, entityType: string, entityKey: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE inbound_events SET entity_type = $2, entity_key = $3 WHERE id = $1::uuid`, eventId, entityType, entityKey);
}

/** Closes an open item that resolved itself (e.g. a parked send whose status webhook came late). */
export async function closeAttention(db: Sql, item: { kind: string; entityType: string; entityKey: string; resolution: string; by: string }): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE attention_items SET resolved_at = now(), resolved_by = $4, resolution = $5 WHERE kind = $1 AND entity_type = $2 AND entity_key = $3 AND resolved_at IS NULL`,
    item.kind,
    item.entityType,
    item.entityKey,
    item.by,
    item.resolution,
  );
}
