import { sql } from 'kysely';
import type { Db } from '../database';
import { transaction } from '../transaction';
import { recordEffects, type EffectJobOf, type NewEffect } from './effect-plans';

export interface AlertState {
  ruleName: string;
  /** Null while the rule holds. */
  firingSince: Date | null;
  lastValue: number | null;
  /** When the rule was first evaluated. */
  createdAt: Date;
}

/** The state of each rule named, creating the missing ones (ok, watching from now). */
export async function readAlertStates(db: Db, ruleNames: string[]): Promise<Map<string, AlertState>> {
  if (ruleNames.length === 0) return new Map();
  await db
    .insertInto('alert_states')
    .values(ruleNames.map((rule_name) => ({ rule_name })))
    .onConflict((oc) => oc.column('rule_name').doNothing())
    .execute();
  const rows = await db.selectFrom('alert_states').select(['rule_name', 'firing_since', 'last_value', 'created_at']).where('rule_name', 'in', ruleNames).execute();
  return new Map(rows.map((r) => [r.rule_name, { ruleName: r.rule_name, firingSince: r.firing_since, lastValue: r.last_value, createdAt: r.created_at }]));
}

/** A rule's state as a person reads it: firing since when, what it last read and when. */
export interface AlertStateListing {
  ruleName: string;
  firingSince: Date | null;
  lastValue: number | null;
  /** Null until the evaluator has read the rule's numbers once. */
  lastEvaluatedAt: Date | null;
}

/**
 * The stored state of each rule named, without creating any: a rule the evaluator has not reached
 * yet is absent from the map (the caller shows it as not evaluated yet). Read-only, so a viewer's
 * page never writes.
 */
export async function listAlertStates(db: Db, ruleNames: string[]): Promise<Map<string, AlertStateListing>> {
  if (ruleNames.length === 0) return new Map();
  const rows = await db.selectFrom('alert_states').select(['rule_name', 'firing_since', 'last_value', 'last_evaluated_at']).where('rule_name', 'in', ruleNames).execute();
  return new Map(rows.map((r) => [r.rule_name, { ruleName: r.rule_name, firingSince: r.firing_since, lastValue: r.last_value, lastEvaluatedAt: r.last_evaluated_at }]));
}

/** Notes what a rule read while its state held. */
export async function recordAlertValue(db: Db, input: { ruleName: string; value: number }): Promise<void> {
  await db.updateTable('alert_states').set({ last_value: input.value, last_evaluated_at: sql`now()`, updated_at: sql`now()` }).where('rule_name', '=', input.ruleName).execute();
}

/**
 * Moves a rule from `from` (its firing start as read, or null) to `to`, and records the transition's
 * notification effects with their outbox jobs, in one transaction. The move is a compare-and-set:
 * when the state is no longer `from` (another evaluator recorded this transition first) nothing is
 * written and this returns false, so a transition is recorded, and notified, once.
 */
export async function recordAlertTransition(db: Db, input: { ruleName: string; from: Date | null; to: Date | null; value: number; plans: NewEffect[]; jobOf: EffectJobOf }): Promise<boolean> {
  return transaction(db, async (tx) => {
    const { from } = input;
    const moved = await tx
      .updateTable('alert_states')
      .set({ firing_since: input.to, last_value: input.value, last_evaluated_at: sql`now()`, updated_at: sql`now()` })
      .where('rule_name', '=', input.ruleName)
      .where((eb) => (from ? eb('firing_since', '=', from) : eb('firing_since', 'is', null)))
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) return false;
    await recordEffects(tx, { eventId: null, plans: input.plans, jobOf: input.jobOf });
    return true;
  });
}
