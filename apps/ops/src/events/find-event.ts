import type { Db } from '@switchyard/db';

/** One stored event with what an operator needs to debug it (the list never carries payloads). */
export async function findEvent(db: Db, id: string) {
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
