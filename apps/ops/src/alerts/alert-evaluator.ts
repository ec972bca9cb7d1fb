import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { acquireLease, countFailures, countParkedEffects, countStuckEvents, msSinceLastEvent, readAlertStates, recordAlertTransition, recordAlertValue, releaseLease, type AlertState, type Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { alertTransition, judgeAlert, planAlertEffects, type AlertReading } from '@switchyard/planning';
import { performEffectJobOf, queueNames } from '@switchyard/queues';
import type { AlertRule, Settings } from '@switchyard/settings';
import type { OpsQueues } from '../queues/ops-queues';

export interface AlertEvaluatorOptions {
  database: Database;
  /** Where dead-letter depth is read (the queues' DLQs in Redis). */
  queues: OpsQueues;
  /** The settings in force, read on every evaluation. */
  settings(): Settings;
  logger: Logger;
  /** Between evaluations; `alerts.evaluateEvery` by default. */
  intervalMs?: number;
  /** This replica's name on the lease; unique per process by default. */
  holder?: string;
  /** The lease's name: replicas sharing it take turns. */
  leaseName?: string;
  /** How long a read of the queues may take before the rule is skipped for this evaluation (default 5 s). */
  readTimeoutMs?: number;
}

/** `work`, or a rejection naming `what` after `ms`: a connection waiting to reconnect must not hold the tick (and the lease) forever. */
async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface AlertTickResult {
  /** False when another replica holds the lease: this one evaluated nothing. */
  evaluated: boolean;
  /** Rules that fired or resolved in this evaluation, and whose transition this replica recorded. */
  transitions: { rule: string; transition: 'fired' | 'resolved' }[];
  /** Rules whose numbers could not be read (Redis or Postgres away); their state is left as it was. */
  unread: string[];
}

/**
 * Evaluates the alert rules on a timer, on one replica at a time: each tick first takes or renews
 * a lease (a compare-and-set on a Postgres row, never a lock held while working), and a replica
 * without it does nothing. A lease outlives a few missed ticks, so a crashed holder is replaced
 * within about three intervals. A transition is itself a compare-and-set recorded with its
 * notification effects, so even two evaluators overlapping (a holder paused past its lease) post
 * each transition once. The worker that performs `team.notify` posts them.
 */
export class AlertEvaluator {
  /** Ticks completed, with or without the lease: what a test waits on before asserting nothing more was sent. */
  ticks = 0;
  private loop: Promise<void> | undefined;
  private stopped: AbortController | undefined;
  private readonly holder: string;
  private readonly leaseName: string;

  constructor(private readonly opts: AlertEvaluatorOptions) {
    this.holder = opts.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseName = opts.leaseName ?? 'alerts';
  }

  private intervalMs(): number {
    return this.opts.intervalMs ?? this.opts.settings().alerts.evaluateEvery;
  }

  /** One evaluation, if this replica holds (or can take) the lease. */
  async tick(): Promise<AlertTickResult> {
    const result: AlertTickResult = { evaluated: false, transitions: [], unread: [] };
    try {
      const { database } = this.opts;
      const ttlMs = Math.max(3 * this.intervalMs(), 1000);
      if (!(await acquireLease(database, { name: this.leaseName, holder: this.holder, ttlMs }))) return result;
      result.evaluated = true;
      const settings = this.opts.settings();
      const { rules } = settings.alerts;
      const states = await readAlertStates(database, rules.map((r) => r.name));
      for (const rule of rules) {
        const state = states.get(rule.name);
        if (!state) continue;
        let reading: AlertReading;
        try {
          reading = await this.read(rule, state);
        } catch (err) {
          result.unread.push(rule.name);
          this.opts.logger.warn('alert rule not evaluated: its numbers could not be read', { rule: rule.name, error: (err as Error).message });
          continue;
        }
        const verdict = judgeAlert(rule, reading);
        const transition = alertTransition(state.firingSince, verdict.firing);
        if (!transition) {
          await recordAlertValue(database, { ruleName: rule.name, value: verdict.value });
          continue;
        }
        const at = new Date();
        const firingSince = state.firingSince ?? at;
        const plans = planAlertEffects(settings, rule, { transition, verdict, firingSince, at });
        const recorded = await recordAlertTransition(database, { ruleName: rule.name, from: state.firingSince, to: transition === 'fired' ? firingSince : null, value: verdict.value, plans, jobOf: performEffectJobOf });
        if (recorded) {
          result.transitions.push({ rule: rule.name, transition });
          this.opts.logger.info(transition === 'fired' ? 'alert firing' : 'alert resolved', { rule: rule.name, summary: verdict.summary, channels: plans.map((p) => p.connection) });
        }
      }
      return result;
    } finally {
      this.ticks++;
    }
  }

  private async read(rule: AlertRule, state: AlertState): Promise<AlertReading> {
    const { database, queues } = this.opts;
    switch (rule.kind) {
      case 'deadLetters': {
        const depths = await withTimeout(Promise.all(queueNames.map((q) => queues.deadLetters(q).count())), this.opts.readTimeoutMs ?? 5000, 'Redis did not answer');
        return { value: depths.reduce((a, b) => a + b, 0) };
      }
      case 'failureRate': {
        const { failed, finished } = await countFailures(database, { of: rule.of, windowMs: rule.window });
        return { value: finished ? (100 * failed) / finished : 0, finished };
      }
      case 'parkedSends':
        return { value: await countParkedEffects(database) };
      case 'stuckEvents':
        return { value: await countStuckEvents(database, rule.olderThan) };
      case 'silence':
        return { value: await msSinceLastEvent(database, { provider: rule.provider, connection: rule.connection, watchingSince: state.createdAt }) };
    }
  }

  /** Evaluates every interval until stop(); a failed evaluation is logged and the next one runs as usual. */
  start(): void {
    if (this.loop) return;
    const stopped = new AbortController();
    this.stopped = stopped;
    this.loop = (async () => {
      while (!stopped.signal.aborted) {
        // Unref'd: a pending wait never keeps the process alive on its own.
        await delay(this.intervalMs(), undefined, { signal: stopped.signal, ref: false }).catch(() => undefined);
        if (stopped.signal.aborted) return;
        await this.tick().catch((err: Error) => this.opts.logger.warn('alert evaluation failed', { error: err.message }));
      }
    })();
  }

  /** Stops evaluating and hands the lease back, so another replica takes over at its next tick. */
  async stop(): Promise<void> {
    this.stopped?.abort();
    await this.loop;
    this.loop = undefined;
    await releaseLease(this.opts.database, { name: this.leaseName, holder: this.holder }).catch(() => undefined);
  }
}
