import type { CanonicalOf } from '@switchyard/domain';
import type { Settings } from '@switchyard/settings';
import type { EffectPlan } from '../effect-plan';
import { crmPlan, crmTarget, digits, messagePlan, teamPlans, type UnsentMessage } from './plan-helpers';

type LeadEvent = CanonicalOf<'lead.submitted'>;

/** email:<address> and phone:<digits>: a lead is the same person when either matches. */
export function leadKeys(event: LeadEvent): string[] {
  const keys: string[] = [];
  if (event.email) keys.push(`email:${event.email.trim().toLowerCase()}`);
  const phone = digits(event.phone);
  if (phone) keys.push(`phone:${phone}`);
  return keys;
}

export interface RoutingDecision {
  ruleId: string;
  owners: string[];
}

/** The first rule whose conditions all match (region, source), else the set's default. */
export function routeLead(settings: Settings, ruleSetId: string, lead: { region?: string; source?: string }): RoutingDecision {
  const set = settings.leadRouting[ruleSetId];
  if (!set) return { ruleId: `${ruleSetId}.unrouted`, owners: ['unassigned'] };
  const eq = (list: string[] | undefined, value: string | undefined) => !list || (value !== undefined && list.some((v) => v.toLowerCase() === value.toLowerCase()));
  const rule = set.rules.find((r) => (r.when.region || r.when.source) && eq(r.when.region, lead.region) && eq(r.when.source, lead.source));
  return rule ? { ruleId: `${ruleSetId}.${rule.id}`, owners: rule.owners } : { ruleId: `${ruleSetId}.default`, owners: set.default.owners };
}

/** Round-robin among a rule's owners, given the rule's next slot (kept in Postgres across replicas). */
export function pickOwner(owners: string[], slot: number): string {
  return owners[slot % owners.length] ?? 'unassigned';
}

/** Workflow 7: the lead is upserted into the CRM pipeline with its owner and welcomed if it consented. */
export function planLeadEffects(event: LeadEvent, lead: { id: string; dedupKey: string; owner: string }, settings: Settings, unsent?: UnsentMessage[]): EffectPlan[] {
  const entity = { entityType: 'lead', entityKey: lead.dedupKey };
  const target = crmTarget(settings);
  const crm = settings.crm;
  const name = event.name ?? event.email ?? event.phone ?? lead.dedupKey;
  const phone = digits(event.phone);
  const plans: EffectPlan[] = [];
  if (crm)
    plans.push(
      ...crmPlan(target, {
        kind: 'crm.lead.upsert',
        businessKey: `lead:${lead.dedupKey}`,
        ...entity,
        request: { leadId: lead.id, dealExternalId: `lead:${lead.dedupKey}`, name: `Lead: ${name}`, owner: lead.owner, pipeline: crm.pipeline, stage: crm.stages.newLead, contact: { phone, email: event.email, name: event.name }, source: event.source, region: event.region },
      }),
    );
  if (event.consent)
    plans.push(
      ...messagePlan(settings, { templateKey: settings.messaging?.notifications.leadWelcome, to: phone, businessKey: `welcome:${lead.dedupKey}`, ...entity, context: { lead: { name: event.name, owner: lead.owner }, customer: { name: event.name, phone, email: event.email } }, consent: 'opted_in', unsent }),
    );
  plans.push(...teamPlans(settings, { event: 'lead.created', subject: lead.dedupKey, ...entity, text: `New lead ${name} from form ${event.formId}${event.source ? ` (${event.source})` : ''} → ${lead.owner}`, data: { leadId: lead.id, owner: lead.owner, formId: event.formId } }));
  return plans;
}
