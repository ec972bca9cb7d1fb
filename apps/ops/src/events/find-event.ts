import type { PrismaDb } from '@switchyard/db';

/**
 * One stored event with what an operator needs to debug it (the list never carries payloads), and
 * the effects it caused.
 */
export async function findEvent(db: PrismaDb, id: string) {
  const [event, effects] = await Promise.all([findEventRow(db, id), findEventEffects(db, id)]);
  return event ? { ...event, effects } : null;
}

function findEventEffects(db: PrismaDb, eventId: string) {
  return db.effect.findMany({
    where: { eventId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, kind: true, status: true, attempts: true, lastError: true, createdAt: true, doneAt: true },
  });
}

function findEventRow(db: PrismaDb, id: string) {
  return db.inboundEvent.findUnique({
    where: { id },
    select: {
      id: true,
      provider: true,
      connection: true,
      providerEventId: true,
      type: true,
      canonicalType: true,
      queue: true,
      entityType: true,
      entityKey: true,
      status: true,
      deliveries: true,
      attempts: true,
      receivedAt: true,
      lastDeliveredAt: true,
      occurredAt: true,
      queuedAt: true,
      processedAt: true,
      redrivenAt: true,
      lastError: true,
      payload: true,
      canonical: true,
      headers: true,
      // Set when retention or an erasure removed payload and headers, so a null payload explains itself.
      payloadDroppedAt: true,
    },
  });
}
