import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database';

/** Flags something a person must act on; one open item per (kind, entity). */
export async function raiseAttention(db: Db, item: { kind: string; entityType: string; entityKey: string; eventId: string | null; summary: string }): Promise<void> {
  await db
    .insertInto('attention_items')
    .values({ id: randomUUID(), kind: item.kind, entity_type: item.entityType, entity_key: item.entityKey, event_id: item.eventId, summary: item.summary })
    .onConflict((oc) => oc.columns(['kind', 'entity_type', 'entity_key']).doNothing())
    .execute();
}

/** Sets the entity an inbound event is about, for the entity timeline. */
export async function tagEventEntity(db: Db, input: { eventId: string; entityType: string; entityKey: string }): Promise<void> {
  await db.updateTable('inbound_events').set({ entity_type: input.entityType, entity_key: input.entityKey }).where('id', '=', input.eventId).execute();
}

/** Closes an open item that resolved itself (e.g. a parked send whose status webhook came late). */
export async function closeAttention(db: Db, item: { kind: string; entityType: string; entityKey: string; resolution: string; by: string }): Promise<void> {
  await db
    .updateTable('attention_items')
    .set({ resolved_at: sql`now()`, resolved_by: item.by, resolution: item.resolution })
    .where('kind', '=', item.kind)
    .where('entity_type', '=', item.entityType)
    .where('entity_key', '=', item.entityKey)
    .where('resolved_at', 'is', null)
    .execute();
}
