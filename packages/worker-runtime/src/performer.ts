import type { Database, EffectLedger, EffectRow } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { EffectKind, EffectKindsOf, EffectMode, EffectModeOf, EffectRequest } from '@switchyard/planning';
import type { QueueName } from '@switchyard/queues';

export interface EffectContext {
  db: Database;
  logger: Logger;
  /**
   * The ledger reads and writes every send makes (its row, its intent, its outcome, the
   * recipient's contact), group-committed with the worker's other jobs (createEffectLedger).
   */
  ledger: EffectLedger;
}

export interface EffectOutcome {
  /** The provider's id for what was done (message id, refund id, CRM object id). */
  providerRef: string | null;
  response?: unknown;
}

/** A ledger effect of kind K, its stored request parsed with K's schema from the effect catalog. */
export type EffectOf<K extends EffectKind> = Omit<EffectRow, 'kind' | 'request'> & { kind: K; request: EffectRequest<K> };

interface PerformerHooks<K extends EffectKind> {
  /** Checked just before the call; a reason skips the effect (e.g. the payment has since succeeded). */
  precondition?(effect: EffectOf<K>, ctx: EffectContext): Promise<string | null>;
  /**
   * Records the outcome instead of the runner's markEffectDone, for a performer that records more
   * with it in the same statement (the sent message, for status webhooks). Must mark the effect done.
   */
  settle?(effect: EffectOf<K>, outcome: EffectOutcome, ctx: EffectContext): Promise<void>;
}

/**
 * The provider deduplicates (idempotency key, upsert by external id): an interrupted call is simply
 * made again with the same key. Nothing to prepare before an intent, no earlier outcome to look for.
 */
export interface IdempotentPerformer<K extends EffectKind> extends PerformerHooks<K> {
  mode: 'idempotent';
  perform(effect: EffectOf<K>, ctx: EffectContext): Promise<EffectOutcome>;
  prepare?: never;
  findOutcome?: never;
}

/**
 * The provider cannot deduplicate (WhatsApp, Twilio, incoming webhooks). The intent is committed
 * before the call; a later run that finds an intent with no recorded outcome never sends blindly:
 * it settles the effect with the outcome found since (a status webhook carried our effect id) or, after `parkAfterMs`, parks the effect
 * for a person.
 */
export interface IntentPerformer<K extends EffectKind, P = unknown> extends PerformerHooks<K> {
  mode: 'intent';
  /**
   * Everything that may wait or read before the call (the shared outbound limit's permit, which form
   * of the message to send), run BEFORE the intent is committed, so that the gap between "intent
   * committed" and "request sent" — the only gap a crash can leave an unknown outcome in — holds no
   * round trip. Its result is handed to `perform`.
   */
  prepare?(effect: EffectOf<K>, ctx: EffectContext): Promise<P>;
  perform(effect: EffectOf<K>, ctx: EffectContext, prepared: P | undefined): Promise<EffectOutcome>;
  /** What the provider told us about an earlier attempt, if anything (e.g. a status webhook naming our effect id). */
  findOutcome?(effect: EffectOf<K>, ctx: EffectContext): Promise<EffectOutcome | null>;
}

/** How effects of kind K are performed; the catalog's mode for K decides which hooks it may have. */
export type Performer<K extends EffectKind> = EffectModeOf<K> extends 'intent' ? IntentPerformer<K> : IdempotentPerformer<K>;

/** A worker's performers: one for every effect kind the catalog puts on its queue (a missing one is a compile error). */
export type Performers<Q extends QueueName> = { [K in EffectKindsOf<Q>]: Performer<K> };

/** Performers by kind, any subset: what the runner looks an effect's performer up in. */
export type PerformerTable = { [K in EffectKind]?: Performer<K> };

/**
 * The runner's view of a performer once the effect's kind is known only at run time (from the
 * ledger row). Each Performer<K> is one of these: its methods take one kind's effect, a member of
 * EffectOf<EffectKind>.
 */
export interface RunnablePerformer {
  mode: EffectMode;
  precondition?(effect: EffectOf<EffectKind>, ctx: EffectContext): Promise<string | null>;
  prepare?(effect: EffectOf<EffectKind>, ctx: EffectContext): Promise<unknown>;
  perform(effect: EffectOf<EffectKind>, ctx: EffectContext, prepared?: unknown): Promise<EffectOutcome>;
  findOutcome?(effect: EffectOf<EffectKind>, ctx: EffectContext): Promise<EffectOutcome | null>;
  settle?(effect: EffectOf<EffectKind>, outcome: EffectOutcome, ctx: EffectContext): Promise<void>;
}
