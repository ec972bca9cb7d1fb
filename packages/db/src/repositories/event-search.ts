import type { EventStatus } from '@switchyard/domain';
import type { PrismaDb } from '../transaction';

export interface EventFilter {
  provider?: string;
  type?: string;
  status?: EventStatus;
  providerEventId?: string;
  from?: Date;
  to?: Date;
}

export interface EventListItem {
  id: string;
  provider: string;
  connection: string;
  providerEventId: string;
  type: string;
  canonicalType: string | null;
  status: EventStatus;
  deliveries: number;
  attempts: number;
  receivedAt: Date;
  occurredAt: Date | null;
  processedAt: Date | null;
  lastError: string | null;
}

/** Cursor = the last item's (receivedAt, id), newest first, so pages stay stable while events arrive. */
export async function searchEvents(db: PrismaDb, filter: EventFilter, cursor: { receivedAt: Date; id: string } | null, limit: number): Promise<EventListItem[]> {
  const rows = await db.inboundEvent.findMany({
    where: {
      provider: filter.provider,
      type: filter.type,
      status: filter.status,
      providerEventId: filter.providerEventId,
      receivedAt: filter.from || filter.to ? { gte: filter.from, lt: filter.to } : undefined,
      ...(cursor ? { OR: [{ receivedAt: { lt: cursor.receivedAt } }, { receivedAt: cursor.receivedAt, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: { id: true, provider: true, connection: true, providerEventId: true, type: true, canonicalType: true, status: true, deliveries: true, attempts: true, receivedAt: true, occurredAt: true, processedAt: true, lastError: true },
  });
  return rows;
}
