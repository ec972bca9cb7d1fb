import {
  findEffect,
  markEffectAttempt,
  markEffectDone,
  markEffectNotSent,
  markEffectParked,
  markEffectSending,
  markEffectSkipped,
  raiseAttention,
  transaction,
  type EffectRow,
  type Database,
  type PrismaClient,
} from '@switchyard/db';
import { AppError, PermanentError, RetryableError } from '@switchyard/errors';
import type { Logger } from '@switchyard/logger';

export interface EffectContext {
  /** Transitional: Prisma, for performers not yet moved to `database`. */
  db: PrismaClient;
  /** The typed query layer (Core v2: replaces `db` once every performer uses it). */
  database: Database;
  logger: Logger;
}

export interface EffectOutcome {
  /** The provider's id for what was done (message id, refund id, CRM object id). */
  providerRef: string | null;
  response?: unknown;
}

/**
 * How one kind of effect is performed.
 * - `idempotent`: the provider deduplicates (idempotency key, upsert by external id), so an
 *   interrupted call is simply made again with the same key.
 * - `intent`: the provider cannot deduplicate (WhatsApp, Twilio). The intent is committed before
 *   the call; a later run that finds an intent with no recorded outcome never sends blindly: it
 *   reconciles (a status webhook carried our effect id) or, after `parkAfterMs`, parks the effect
 *   for a person.
 */
export interface EffectPerformer {
  mode: 'idempotent' | 'intent';
  /** Checked just before the call; a reason skips the effect (e.g. the payment has since succeeded). */
  precondition?(effect: EffectRow, ctx: EffectContext): Promise<string | null>;
  /**
   * Intent mode: everything that may wait or read before the call (the shared outbound limit's
   * permit, which form of the message to send), run BEFORE the intent is committed, so that the
   * gap between "intent committed" and "request sent" — the only gap a crash can leave an unknown
   * outcome in — holds no round trip. Its result is handed to `perform`.
   */
  prepare?(effect: EffectRow, ctx: EffectContext): Promise<unknown>;
  perform(effect: EffectRow, ctx: EffectContext, prepared?: unknown): Promise<EffectOutcome>;
  /** Intent mode: what the provider told us about an earlier attempt, if anything. */
  reconcile?(effect: EffectRow, ctx: EffectContext): Promise<EffectOutcome | null>;
  /**
   * Records the outcome instead of the runner's markEffectDone, for a performer that records more
   * with it in the same statement (the sent message, for status webhooks). Must mark the effect done.
   */
  settle?(effect: EffectRow, outcome: EffectOutcome, ctx: EffectContext): Promise<void>;
}

export type Performers = Record<string, EffectPerformer>;

export interface EffectRunnerOptions {
  performers: Performers;
  /** An unknown outcome older than this is parked for a person instead of waiting longer. */
  parkAfterMs: number;
  now?: () => number;
}

/**
 * Codes of failures that happen before a request leaves this process: the connection's own
 * outbound rate limit (packages/connectors rate-limiter) and a request axios refused to build.
 */
const NEVER_SENT = (code: string) => code === 'OUTBOUND_RATE_LIMIT' || code.startsWith('CONFIG_');

/**
 * True when we know nothing went out: the provider answered (so it refused the request), or the
 * request never left this process.
 */
function knownNotSent(err: unknown): boolean {
  if (!(err instanceof AppError)) return false;
  const cause = err.cause as { status?: unknown } | undefined;
  return typeof err.details?.status === 'number' || typeof cause?.status === 'number' || NEVER_SENT(err.code);
}

/** Performs one effect of the ledger at most once, whatever happens to the job that carries it. */
export async function runEffect(effectId: string, ctx: EffectContext, opts: EffectRunnerOptions): Promise<void> {
  const { database, logger } = ctx;
  const now = opts.now ?? Date.now;
  const effect = await findEffect(database, effectId);
  if (!effect) throw new PermanentError(`effect ${effectId} is not in the ledger`, 'EFFECT_NOT_FOUND');
  if (effect.status === 'done' || effect.status === 'skipped' || effect.status === 'parked') {
    logger.debug('effect already settled; nothing to do', { effectId, status: effect.status });
    return;
  }
  const performer = opts.performers[effect.kind];
  if (!performer) throw new PermanentError(`no performer for effect kind "${effect.kind}" on this worker`, 'EFFECT_KIND_UNKNOWN');

  const skip = await performer.precondition?.(effect, ctx);
  if (skip) {
    await markEffectSkipped(database, { effectId, reason: skip });
    logger.info('effect skipped', { effectId, kind: effect.kind, reason: skip });
    return;
  }

  if (performer.mode === 'idempotent') {
    try {
      const outcome = await performer.perform(effect, ctx);
      await settle(effect, outcome, ctx, performer);
    } catch (err) {
      await markEffectAttempt(database, { effectId, error: (err as Error).message });
      throw err;
    }
    return;
  }

  const prepared = effect.status === 'sending' ? undefined : await performer.prepare?.(effect, ctx);
  if (effect.status === 'sending' || !(await markEffectSending(database, effectId))) {
    const found = await performer.reconcile?.(effect, ctx);
    if (found) {
      await settle(effect, found, ctx, performer);
      logger.info('effect outcome reconciled from the provider', { effectId, providerRef: found.providerRef });
      return;
    }
    const current = (await findEffect(database, effectId)) ?? effect;
    const since = current.sentAt ? now() - current.sentAt.getTime() : 0;
    if (since >= opts.parkAfterMs) {
      // Parked and flagged for a person atomically: a crash between the two would leave a parked effect nobody is told about.
      // Only a park that happened is flagged: a status webhook may have settled the effect meanwhile.
      const parked = await transaction(database, async (tx) => {
        if (!(await markEffectParked(tx, { effectId, reason: `outcome unknown ${Math.round(since / 1000)} s after the send; not resent` }))) return false;
        await raiseAttention(tx, { kind: 'effect_outcome_unknown', entityType: 'effect', entityKey: effectId, eventId: effect.eventId, summary: `${effect.kind} ${effect.businessKey}: the send may or may not have happened; confirm or resend it` });
        return true;
      });
      if (parked) logger.warn('effect parked for a person: outcome unknown', { effectId, kind: effect.kind });
      return;
    }
    throw new RetryableError(`effect ${effectId} (${effect.kind}) was sent before but its outcome is unknown; waiting for the provider's status before deciding`, 'EFFECT_OUTCOME_UNKNOWN');
  }

  let outcome: EffectOutcome;
  try {
    outcome = await performer.perform(effect, ctx, prepared);
  } catch (err) {
    // An answer means the provider refused the request, and a local refusal means it never left:
    // nothing went out, so it may be tried again. No answer (timeout, reset) leaves the intent in
    // `sending`: the next run reconciles, never resends.
    if (knownNotSent(err)) await markEffectNotSent(database, { effectId, error: (err as Error).message });
    throw err;
  }
  await settle(effect, outcome, ctx, performer);
}

async function settle(effect: EffectRow, outcome: EffectOutcome, ctx: EffectContext, performer: EffectPerformer): Promise<void> {
  if (performer.settle) await performer.settle(effect, outcome, ctx);
  else await markEffectDone(ctx.database, { effectId: effect.id, providerRef: outcome.providerRef, response: outcome.response ?? null });
}
