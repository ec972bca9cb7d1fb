import {
  markEffectAttempt,
  markEffectNotSent,
  markEffectParked,
  markEffectSkipped,
  raiseAttention,
  transaction,
  type EffectRow,
} from '@switchyard/db';
import { AppError, PermanentError, RetryableError } from '@switchyard/errors';
import { effectCatalog, isEffectKind, type EffectKind } from '@switchyard/planning';
import { annotateActiveSpan } from '@switchyard/telemetry';
import type { EffectContext, EffectOf, EffectOutcome, PerformerTable, RunnablePerformer } from './performer';

export interface EffectRunnerOptions {
  performers: PerformerTable;
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
  const { db, logger, ledger } = ctx;
  const now = opts.now ?? Date.now;
  const row = await ledger.find(effectId);
  if (!row) throw new PermanentError(`effect ${effectId} is not in the ledger`, 'EFFECT_NOT_FOUND');
  annotateActiveSpan({ 'switchyard.effect_kind': row.kind, 'switchyard.provider': row.provider, ...(row.eventId ? { 'switchyard.event_id': row.eventId } : {}) });
  if (row.status === 'done' || row.status === 'skipped' || row.status === 'parked') {
    logger.debug('effect already settled; nothing to do', { effectId, status: row.status });
    return;
  }
  const kind = isEffectKind(row.kind) ? row.kind : undefined;
  const performer: RunnablePerformer | undefined = kind && opts.performers[kind];
  if (!kind || !performer) throw new PermanentError(`no performer for effect kind "${row.kind}" on this worker`, 'EFFECT_KIND_UNKNOWN');
  const effect = parseRequest(row, kind);

  const skip = await performer.precondition?.(effect, ctx);
  if (skip) {
    await markEffectSkipped(db, { effectId, reason: skip });
    logger.info('effect skipped', { effectId, kind: effect.kind, reason: skip });
    return;
  }

  if (performer.mode === 'idempotent') {
    try {
      const outcome = await performer.perform(effect, ctx);
      await settle(effect, outcome, ctx, performer);
    } catch (err) {
      await markEffectAttempt(db, { effectId, error: (err as Error).message });
      throw err;
    }
    return;
  }

  const prepared = effect.status === 'sending' ? undefined : await performer.prepare?.(effect, ctx);
  if (effect.status === 'sending' || !(await ledger.markSending(effectId))) {
    const found = await performer.findOutcome?.(effect, ctx);
    if (found) {
      await settle(effect, found, ctx, performer);
      logger.info('effect settled with the outcome of an earlier send', { effectId, providerRef: found.providerRef });
      return;
    }
    const current = (await ledger.find(effectId)) ?? effect;
    const since = current.sentAt ? now() - current.sentAt.getTime() : 0;
    if (since >= opts.parkAfterMs) {
      // Parked and flagged for a person atomically: a crash between the two would leave a parked effect nobody is told about.
      // Only a park that happened is flagged: a status webhook may have settled the effect meanwhile.
      const parked = await transaction(db, async (tx) => {
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
    // `sending`: the next run looks for its outcome, never resends.
    if (knownNotSent(err)) await markEffectNotSent(db, { effectId, error: (err as Error).message });
    throw err;
  }
  await settle(effect, outcome, ctx, performer);
}

/**
 * The effect with its request parsed by its kind's schema. Requests outlive deploys: one that no
 * longer parses is a permanent failure (the job dead-letters, naming the kind and the field), never
 * a performer running on a shape it does not expect.
 */
function parseRequest(row: EffectRow, kind: EffectKind): EffectOf<EffectKind> {
  const parsed = effectCatalog[kind].request.safeParse(row.request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(the request itself)';
    throw new PermanentError(`effect ${row.id} (${kind}): its stored request does not match the ${kind} request schema at ${field}: ${issue?.message ?? 'invalid'}`, 'EFFECT_REQUEST_INVALID', parsed.error);
  }
  return { ...row, kind, request: parsed.data };
}

async function settle(effect: EffectOf<EffectKind>, outcome: EffectOutcome, ctx: EffectContext, performer: RunnablePerformer): Promise<void> {
  if (performer.settle) await performer.settle(effect, outcome, ctx);
  else await ctx.ledger.markDone({ effectId: effect.id, providerRef: outcome.providerRef, response: outcome.response ?? null });
}
