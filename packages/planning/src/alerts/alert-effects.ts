import type { AlertRule, Settings } from '@switchyard/settings';
import { planEffect, type EffectPlanOf } from '../effect-plan';
import type { TeamNotifyRequest } from '../effect-requests';
import type { AlertVerdict } from './alert-verdict';

export interface AlertChange {
  transition: 'fired' | 'resolved';
  verdict: AlertVerdict;
  /** When the rule started firing: the transition's identity, shared by its fire and its resolve. */
  firingSince: Date;
  at: Date;
}

/**
 * One team post per channel the rule names. The business key is the rule, the transition and when
 * the firing began, so a transition planned twice (a retried transaction) is still posted once, and
 * the next firing of the same rule is a new post.
 */
export function planAlertEffects(settings: Settings, rule: AlertRule, change: AlertChange): EffectPlanOf<'team.notify'>[] {
  const { transition, verdict, firingSince, at } = change;
  const label = transition === 'fired' ? 'FIRING' : 'RESOLVED';
  const since = firingSince.toISOString();
  const text = transition === 'fired' ? `${label}: ${verdict.summary} (rule ${rule.name})` : `${label}: ${verdict.summary} (rule ${rule.name}, firing since ${since})`;
  const event = `alert.${transition}`;
  const data = { rule: rule.name, kind: rule.kind, state: transition === 'fired' ? 'firing' : 'resolved', value: verdict.value, threshold: verdict.threshold, summary: verdict.summary, firingSince: since, at: at.toISOString() };
  return settings.team.notifications
    .filter((n) => rule.notify.includes(n.name))
    .map((n) => {
      const request: TeamNotifyRequest = { name: n.name, url: n.url, format: n.format, event, text, data };
      return planEffect('team.notify', { businessKey: `${n.name}:${event}:${rule.name}:${since}`, provider: 'http', connection: n.name, entityType: 'alert', entityKey: rule.name, request });
    });
}
