import type { SelectExpression } from 'kysely';
import type { DB } from '../generated/kysely/types';

/**
 * What every operator view of a stored event shows (the event search, its detail, an entity's
 * story): what it is, where it stands and when, under the names the ops API has always used.
 * Private to the repositories (not exported from the package): views add their own columns to it.
 */
export const eventViewColumns = [
  'id',
  'provider',
  'type',
  'canonical_type as canonicalType',
  'status',
  'received_at as receivedAt',
  'occurred_at as occurredAt',
  'processed_at as processedAt',
  'last_error as lastError',
] as const satisfies readonly SelectExpression<DB, 'inbound_events'>[];
