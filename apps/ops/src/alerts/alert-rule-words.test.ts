import { parseSettings } from '@switchyard/settings';
import { alertThreshold, describeAlertRule, formatAlertValue } from './alert-rule-words';

const rules = parseSettings(
  {
    version: 1,
    team: { notifications: [{ name: 'ops', url: 'http://127.0.0.1:9/hook', events: ['lead.created'] }] },
    alerts: {
      rules: [
        { name: 'dlq', kind: 'deadLetters', above: 1, notify: ['ops'] },
        { name: 'rate', kind: 'failureRate', of: 'effects', abovePercent: 5, window: '15m', minFinished: 20, notify: ['ops'] },
        { name: 'dead-events', kind: 'failureRate', of: 'events', abovePercent: 2.5, window: '1h', notify: ['ops'] },
        { name: 'parked', kind: 'parkedSends', notify: ['ops'] },
        { name: 'stuck', kind: 'stuckEvents', olderThan: '10m', notify: ['ops'] },
        { name: 'silent', kind: 'silence', provider: 'razorpay', connection: 'india', for: '90m', notify: ['ops'] },
      ],
    },
  },
  {},
).alerts.rules;

test.each([
  ['dlq', 'More than 1 dead letter waiting, all queues together', 1, '3', 3],
  ['rate', 'Effects failing above 5% over 15m (judged from 20 finished)', 5, '12.5%', 12.5],
  ['dead-events', 'Events dead above 2.5% over 1h (judged from 10 finished)', 2.5, '0%', 0],
  ['parked', 'Any message or team post parked for a person to check', 0, '2', 2],
  ['stuck', 'More than 0 events unprocessed for over 10m', 0, '4', 4],
  ['silent', 'No events from razorpay (india) for 1h 30m', 5_400_000, '2h 5m', 7_500_000],
])('%s: says what it watches, its limit and a value in its unit', (name, watches, threshold, valueText, value) => {
  const rule = rules.find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${name}`);
  expect(describeAlertRule(rule)).toBe(watches);
  expect(alertThreshold(rule)).toBe(threshold);
  expect(formatAlertValue(rule, value)).toBe(valueText);
});
