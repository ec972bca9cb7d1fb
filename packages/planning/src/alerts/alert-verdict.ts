import type { AlertRule } from '@switchyard/settings';

/**
 * What the evaluator read for one rule. `value` is what the rule compares: dead letters waiting,
 * the failure percentage, parked effects, stuck events, or milliseconds since the connection's
 * last event. `finished` is the failure rate's sample size (how many finished in the window).
 */
export interface AlertReading {
  value: number;
  finished?: number;
}

export interface AlertVerdict {
  firing: boolean;
  value: number;
  /** The limit the value is compared with, in the value's unit. */
  threshold: number;
  /** One line for people: "dead letters 12 > 10". */
  summary: string;
}

/** What happened to a rule in this evaluation: it started firing, it stopped, or it held. */
export type AlertTransition = 'fired' | 'resolved' | null;

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** 7_500_000 → "2h 5m": the two largest units, for a line a person reads. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000) * 1000;
  for (const [unit, size] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length) break;
  }
  return parts.join(' ');
}

const percent = (n: number) => `${Number(n.toFixed(1))}%`;

/** Decides whether a rule fires on what was read. Pure: no clock, no I/O. */
export function judgeAlert(rule: AlertRule, reading: AlertReading): AlertVerdict {
  const { value } = reading;
  const cmp = (firing: boolean) => (firing ? '>' : '≤');
  switch (rule.kind) {
    case 'deadLetters': {
      const firing = value > rule.above;
      return { firing, value, threshold: rule.above, summary: `dead letters ${value} ${cmp(firing)} ${rule.above}` };
    }
    case 'failureRate': {
      const finished = reading.finished ?? 0;
      const what = rule.of === 'effects' ? 'effect failure rate' : 'dead event rate';
      const over = `over ${formatDuration(rule.window)}`;
      // Too few finished to judge: a single failure would read as 100 %.
      if (finished < rule.minFinished) return { firing: false, value, threshold: rule.abovePercent, summary: `${what} not judged ${over}: ${finished} finished < ${rule.minFinished}` };
      const firing = value > rule.abovePercent;
      return { firing, value, threshold: rule.abovePercent, summary: `${what} ${percent(value)} ${cmp(firing)} ${percent(rule.abovePercent)} ${over} (${finished} finished)` };
    }
    case 'parkedSends': {
      const firing = value > 0;
      return { firing, value, threshold: 0, summary: `parked sends ${value} ${cmp(firing)} 0` };
    }
    case 'stuckEvents': {
      const firing = value > rule.above;
      return { firing, value, threshold: rule.above, summary: `events unprocessed for over ${formatDuration(rule.olderThan)}: ${value} ${cmp(firing)} ${rule.above}` };
    }
    case 'silence': {
      const firing = value > rule.for;
      return { firing, value, threshold: rule.for, summary: `no events from ${rule.provider}/${rule.connection} for ${formatDuration(value)} ${cmp(firing)} ${formatDuration(rule.for)}` };
    }
  }
}

/** The transition from the stored state (firing since when, or null) to this verdict. */
export function alertTransition(firingSince: Date | null, firing: boolean): AlertTransition {
  if (firing && !firingSince) return 'fired';
  if (!firing && firingSince) return 'resolved';
  return null;
}
