import { parseSettings, type AlertRule } from '@switchyard/settings';
import { alertTransition, formatDuration, judgeAlert, type AlertReading } from './alert-verdict';

/** Rules as the configuration file gives them (defaults applied), so the table tests what runs. */
function rules(): Record<string, AlertRule> {
  const settings = parseSettings(
    {
      version: 1,
      team: { notifications: [{ name: 'ops', url: 'http://127.0.0.1/hook', events: ['lead.created'] }] },
      alerts: {
        rules: [
          { name: 'dlq', kind: 'deadLetters', above: 10, notify: ['ops'] },
          { name: 'effects', kind: 'failureRate', of: 'effects', abovePercent: 5, window: '15m', notify: ['ops'] },
          { name: 'events', kind: 'failureRate', of: 'events', abovePercent: 0, window: '1h', minFinished: 1, notify: ['ops'] },
          { name: 'parked', kind: 'parkedSends', notify: ['ops'] },
          { name: 'stuck', kind: 'stuckEvents', olderThan: '10m', notify: ['ops'] },
          { name: 'stuck-many', kind: 'stuckEvents', olderThan: '30s', above: 5, notify: ['ops'] },
          { name: 'silent', kind: 'silence', provider: 'stripe', for: '2h', notify: ['ops'] },
        ],
      },
    },
    {},
  );
  return Object.fromEntries(settings.alerts.rules.map((r) => [r.name, r]));
}

const MIN = 60_000;
const HOUR = 60 * MIN;

// Rows: (rule, what was read) → (fires?, the line people read).
describe('judgeAlert: rule × reading → verdict', () => {
  it.each<[string, AlertReading, boolean, string]>([
    ['dlq', { value: 0 }, false, 'dead letters 0 ≤ 10'],
    ['dlq', { value: 10 }, false, 'dead letters 10 ≤ 10'],
    ['dlq', { value: 11 }, true, 'dead letters 11 > 10'],
    ['effects', { value: 50, finished: 9 }, false, 'effect failure rate not judged over 15m: 9 finished < 10'],
    ['effects', { value: 5, finished: 100 }, false, 'effect failure rate 5% ≤ 5% over 15m (100 finished)'],
    ['effects', { value: 12.5, finished: 40 }, true, 'effect failure rate 12.5% > 5% over 15m (40 finished)'],
    ['effects', { value: 33.3333, finished: 12 }, true, 'effect failure rate 33.3% > 5% over 15m (12 finished)'],
    ['events', { value: 0, finished: 0 }, false, 'dead event rate not judged over 1h: 0 finished < 1'],
    ['events', { value: 0, finished: 3 }, false, 'dead event rate 0% ≤ 0% over 1h (3 finished)'],
    ['events', { value: 25, finished: 4 }, true, 'dead event rate 25% > 0% over 1h (4 finished)'],
    ['parked', { value: 0 }, false, 'parked sends 0 ≤ 0'],
    ['parked', { value: 1 }, true, 'parked sends 1 > 0'],
    ['stuck', { value: 0 }, false, 'events unprocessed for over 10m: 0 ≤ 0'],
    ['stuck', { value: 3 }, true, 'events unprocessed for over 10m: 3 > 0'],
    ['stuck-many', { value: 5 }, false, 'events unprocessed for over 30s: 5 ≤ 5'],
    ['stuck-many', { value: 6 }, true, 'events unprocessed for over 30s: 6 > 5'],
    ['silent', { value: 30 * MIN }, false, 'no events from stripe/default for 30m ≤ 2h'],
    ['silent', { value: 2 * HOUR }, false, 'no events from stripe/default for 2h ≤ 2h'],
    ['silent', { value: 2 * HOUR + 5 * MIN + 7000 }, true, 'no events from stripe/default for 2h 5m > 2h'],
  ])('%s with %j', (name, reading, firing, summary) => {
    const rule = rules()[name];
    if (!rule) throw new Error(`no rule ${name}`);
    expect(judgeAlert(rule, reading)).toMatchObject({ firing, value: reading.value, summary });
  });
});

describe('alertTransition: stored state × verdict → transition', () => {
  const since = new Date('2026-12-01T10:00:00Z');
  it.each<[Date | null, boolean, ReturnType<typeof alertTransition>]>([
    [null, false, null],
    [null, true, 'fired'],
    [since, true, null],
    [since, false, 'resolved'],
  ])('firing since %p, firing now %p → %p', (firingSince, firing, expected) => {
    expect(alertTransition(firingSince, firing)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [250, '250ms'],
    [1000, '1s'],
    [90_000, '1m 30s'],
    [2 * HOUR, '2h'],
    [2 * HOUR + 5 * MIN + 7000, '2h 5m'],
    [26 * HOUR + 1000, '1d 2h'],
    [HOUR + 5000, '1h'],
  ])('%p ms → %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
