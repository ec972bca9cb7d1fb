import { parseSettings, teamEvents, type Settings, type SettingsInput, type TemplatePath } from '@switchyard/settings';
import { effectCatalog } from '../effect-catalog';
import type { EffectPlan } from '../effect-plan';
import type { TeamEvent } from './plan-helpers';

/**
 * Test support for the planner tables: settings built from a few switches, and one assertion that
 * reads a plan list as rows of (kind, business key, the request fields that matter).
 */

type Notification = 'paymentReceipt' | 'paymentFailed' | 'refundNotice' | 'leadWelcome';

/** What a planner row switches; unset means on (every notification, every team event, a CRM). */
export interface PlanSwitches {
  /** A HubSpot CRM section (connection `default`). */
  crm?: boolean;
  /** false: no `messaging` section at all. */
  messaging?: boolean;
  /** Which `messaging.notifications` name a template; all four unless listed. */
  notifications?: Notification[];
  channel?: 'whatsapp_cloud' | 'twilio';
  /** Team channel name → the events it subscribes to; `{}` for none. */
  team?: Record<string, TeamEvent[]>;
  transactional?: 'opted_in' | 'unless_opted_out';
  /** `{ path, fallback }` for these template parameters. */
  fallbacks?: Partial<Record<TemplatePath, string>>;
}

export const allNotifications: Notification[] = ['paymentReceipt', 'paymentFailed', 'refundNotice', 'leadWelcome'];
const templateOf: Record<Notification, string> = { paymentReceipt: 'payment_receipt', paymentFailed: 'payment_failed', refundNotice: 'refund_notice', leadWelcome: 'lead_welcome' };

/** Settings as the worker would load them, shaped by the switches; `extra` adds whole sections (lead routing, stage mappings). */
export function planSettings(s: PlanSwitches = {}, extra: Partial<SettingsInput> = {}): Settings {
  const param = (path: TemplatePath) => (s.fallbacks?.[path] ? { path, fallback: s.fallbacks[path] } : path);
  const template = (name: string, parameters: TemplatePath[]) => ({ name, language: 'en_US', parameters: parameters.map(param) });
  const notifications = s.notifications ?? allNotifications;
  const team = s.team ?? { ops: [...teamEvents] };
  return parseSettings(
    {
      version: 1,
      outbound: {
        whatsapp: { default: { baseUrl: 'http://sandbox', token: 't', phoneNumberId: '1' } },
        twilio: { default: { baseUrl: 'http://sandbox', accountSid: 'AC1', authToken: 't', from: '+15550009999' } },
        hubspot: { default: { baseUrl: 'http://sandbox', token: 't' } },
      },
      ...(s.crm === false ? {} : { crm: { provider: 'hubspot', pipeline: 'sales', stages: { paid: 'won', paymentFailed: 'failed', refunded: 'refunded', disputed: 'disputed', newLead: 'new' } } }),
      ...(s.messaging === false
        ? {}
        : {
            messaging: {
              channel: s.channel ?? 'whatsapp_cloud',
              templates: {
                payment_receipt: template('payment_receipt', ['customer.name', 'payment.amount', 'order.id']),
                payment_failed: template('payment_failed', ['customer.name', 'payment.amount', 'payment.link']),
                refund_notice: template('refund_notice', ['customer.name', 'refund.amount']),
                lead_welcome: template('lead_welcome', ['lead.name', 'lead.owner']),
                deal_won: template('deal_won', ['customer.name', 'deal.stage']),
              },
              notifications: Object.fromEntries(notifications.map((n) => [n, templateOf[n]])),
              stageNotifications: { won: 'deal_won' },
            },
          }),
      consent: { transactional: s.transactional ?? 'unless_opted_out' },
      team: { notifications: Object.entries(team).map(([name, events]) => ({ name, url: `https://hooks.example.com/${name}`, events })) },
      ...extra,
    },
    {},
  );
}

/** One expected plan: its kind, its business key, and (optionally) fields its request must carry. */
export type ExpectedPlan = [kind: string, businessKey: string, request?: Record<string, unknown>];

const queueOfKind: Record<string, string> = Object.fromEntries(Object.entries(effectCatalog).map(([kind, definition]) => [kind, definition.queue]));

/** The plans, in order, are exactly these rows; each goes to the queue its kind names in the catalog. */
export function expectPlans(plans: EffectPlan[], expected: ExpectedPlan[]): void {
  expect(plans.map((p) => `${p.kind} ${p.businessKey}`)).toEqual(expected.map(([kind, key]) => `${kind} ${key}`));
  plans.forEach((plan, i) => {
    expect(plan.queue).toBe(queueOfKind[plan.kind]);
    const request = expected[i]?.[2];
    if (request) expect(plan.request).toMatchObject(request);
  });
}
