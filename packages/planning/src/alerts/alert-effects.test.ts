import { parseSettings } from '@switchyard/settings';
import { planAlertEffects } from './alert-effects';
import { judgeAlert } from './alert-verdict';

const settings = parseSettings(
  {
    version: 1,
    team: {
      notifications: [
        { name: 'ops-slack', url: 'http://127.0.0.1/slack/services/T/B/X', format: 'slack', events: ['lead.created'] },
        { name: 'pager', url: 'http://127.0.0.1/pager', format: 'json', events: ['lead.created'] },
        { name: 'sales', url: 'http://127.0.0.1/sales', events: ['lead.created'] },
      ],
    },
    alerts: { rules: [{ name: 'dlq', kind: 'deadLetters', above: 10, notify: ['ops-slack', 'pager'] }] },
  },
  {},
);
function theRule() {
  const [r] = settings.alerts.rules;
  if (!r) throw new Error('the settings have no alert rule');
  return r;
}
const rule = theRule();
const firingSince = new Date('2026-12-01T10:00:00.000Z');

describe('planAlertEffects', () => {
  it('posts a fire to each channel the rule names, readable on Slack and structured as JSON', () => {
    const plans = planAlertEffects(settings, rule, { transition: 'fired', verdict: judgeAlert(rule, { value: 12 }), firingSince, at: firingSince });
    expect(plans.map((p) => [p.kind, p.queue, p.businessKey, p.connection, p.entityType, p.entityKey])).toEqual([
      ['team.notify', 'crm', 'ops-slack:alert.fired:dlq:2026-12-01T10:00:00.000Z', 'ops-slack', 'alert', 'dlq'],
      ['team.notify', 'crm', 'pager:alert.fired:dlq:2026-12-01T10:00:00.000Z', 'pager', 'alert', 'dlq'],
    ]);
    expect(plans[1]?.request).toEqual({
      name: 'pager',
      url: 'http://127.0.0.1/pager',
      format: 'json',
      event: 'alert.fired',
      text: 'FIRING: dead letters 12 > 10 (rule dlq)',
      data: { rule: 'dlq', kind: 'deadLetters', state: 'firing', value: 12, threshold: 10, summary: 'dead letters 12 > 10', firingSince: '2026-12-01T10:00:00.000Z', at: '2026-12-01T10:00:00.000Z' },
    });
  });

  it('posts a resolve under its own key for the same firing', () => {
    const at = new Date('2026-12-01T10:20:00.000Z');
    const [slack] = planAlertEffects(settings, rule, { transition: 'resolved', verdict: judgeAlert(rule, { value: 3 }), firingSince, at });
    expect(slack?.businessKey).toBe('ops-slack:alert.resolved:dlq:2026-12-01T10:00:00.000Z');
    expect(slack?.request).toMatchObject({ event: 'alert.resolved', text: 'RESOLVED: dead letters 3 ≤ 10 (rule dlq, firing since 2026-12-01T10:00:00.000Z)', data: { state: 'resolved', value: 3 } });
  });
});
