import { formatDuration } from '@switchyard/planning';
import type { AlertRule } from '@switchyard/settings';

/** What a rule watches, in the words of the person who gets its notification (no config keys). */
export function describeAlertRule(rule: AlertRule): string {
  switch (rule.kind) {
    case 'deadLetters':
      return `More than ${rule.above} dead letter${rule.above === 1 ? '' : 's'} waiting, all queues together`;
    case 'failureRate':
      return `${rule.of === 'effects' ? 'Effects failing' : 'Events dead'} above ${rule.abovePercent}% over ${formatDuration(rule.window)} (judged from ${rule.minFinished} finished)`;
    case 'parkedSends':
      return 'Any message or team post parked for a person to check';
    case 'stuckEvents':
      return `More than ${rule.above} event${rule.above === 1 ? '' : 's'} unprocessed for over ${formatDuration(rule.olderThan)}`;
    case 'silence':
      return `No events from ${rule.provider} (${rule.connection}) for ${formatDuration(rule.for)}`;
  }
}

/** The limit a rule compares with, in its own unit: a count, a percentage or a duration. */
export function alertThreshold(rule: AlertRule): number {
  switch (rule.kind) {
    case 'deadLetters':
    case 'stuckEvents':
      return rule.above;
    case 'failureRate':
      return rule.abovePercent;
    case 'parkedSends':
      return 0;
    case 'silence':
      return rule.for;
  }
}

/** A value the rule read, as a person reads it: "3", "12.5%", "2h 5m". */
export function formatAlertValue(rule: AlertRule, value: number): string {
  if (rule.kind === 'failureRate') return `${Number(value.toFixed(1))}%`;
  if (rule.kind === 'silence') return formatDuration(value);
  return String(value);
}
