import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * What the console's "failures grouped as issues" reads from Postgres: who a dead letter's event or
 * effect concerns (the dead letters themselves live in Redis), and the failed and parked effects
 * grouped by provider and error code.
 */

/** The provider and entity behind one dead-lettered event or effect. */
export interface FailureSubject {
  provider: string;
  entityType: string | null;
  entityKey: string | null;
}

export async function failureSubjects(db: Db, ids: { eventIds: string[]; effectIds: string[] }): Promise<{ events: Map<string, FailureSubject>; effects: Map<string, FailureSubject> }> {
  const [events, effects] = await Promise.all([
    ids.eventIds.length
      ? db.selectFrom('inbound_events').select(['id', 'provider', 'entity_type as entityType', 'entity_key as entityKey']).where('id', 'in', ids.eventIds).execute()
      : [],
    ids.effectIds.length
      ? db.selectFrom('effects').select(['id', 'provider', 'entity_type as entityType', 'entity_key as entityKey']).where('id', 'in', ids.effectIds).execute()
      : [],
  ]);
  const byId = (rows: ({ id: string } & FailureSubject)[]) => new Map(rows.map(({ id, ...s }) => [id, s]));
  return { events: byId(events), effects: byId(effects) };
}

/** A parked effect has no error: its outcome is unknown, which is what a person must decide. */
export const PARKED_CODE = 'OUTCOME_UNKNOWN';

export interface EffectFailureGroup {
  status: 'failed' | 'parked';
  provider: string;
  /** The classified code the worker wrote into last_error (`<kind>: <CODE>: message`); null if it carried none. */
  errorCode: string | null;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  example: { id: string; kind: string; entityType: string; entityKey: string };
}

/**
 * Failed and parked effects changed in [since, until) (no end without `until`), grouped by
 * status, provider and error code, leaving out `exclude` (effects the caller already counts
 * through their dead letter). Reads through the (status, updated_at) index.
 */
export async function effectFailureGroups(db: Db, window: { since: Date; until?: Date; exclude: string[] }): Promise<EffectFailureGroup[]> {
  const { rows } = await sql<Omit<EffectFailureGroup, 'example'> & { exampleId: string }>`
    SELECT status, provider, code AS "errorCode", count(*)::int AS count, min(updated_at) AS "firstSeen", max(updated_at) AS "lastSeen",
           (array_agg(id ORDER BY updated_at DESC, id))[1] AS "exampleId"
    FROM (
      SELECT status::text AS status, provider, id, updated_at,
             CASE WHEN status = 'parked' THEN ${PARKED_CODE} ELSE substring(last_error FROM '^(?:[a-z_]+: )?([A-Z][A-Z0-9_.-]*): ') END AS code
      FROM effects
      WHERE status IN ('failed', 'parked') AND updated_at >= ${window.since} AND (${window.until ?? null}::timestamptz IS NULL OR updated_at < ${window.until ?? null})
        AND NOT (id = ANY(${window.exclude}::uuid[]))
    ) f
    GROUP BY status, provider, code
    ORDER BY count DESC, provider, code`.execute(db);
  if (rows.length === 0) return [];
  const exampleRows = await db
    .selectFrom('effects')
    .select(['id', 'kind', 'entity_type as entityType', 'entity_key as entityKey'])
    .where('id', 'in', rows.map((r) => r.exampleId))
    .execute();
  const examples = new Map(exampleRows.map((e) => [e.id, e]));
  return rows.flatMap(({ exampleId, ...g }) => {
    const example = examples.get(exampleId);
    // Gone between the two reads (erased): the group is still real, shown with the next read.
    return example ? [{ ...g, example }] : [];
  });
}
