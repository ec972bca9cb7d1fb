import type { TimelineEffect, TimelineEvent } from './api/types';

// The console speaks the business's language: what an effect did, not its job name.

const EFFECT_KINDS: Record<string, string> = {
  'crm.deal.sync': 'CRM deal update',
  'crm.contact.upsert': 'CRM contact update',
  'crm.lead.upsert': 'CRM lead update',
  'crm.note': 'CRM note',
  'message.send': 'Message to the customer',
  'whatsapp.template': 'WhatsApp message',
  'team.notify': 'Team notification',
  'payment.refund': 'Refund',
};

const EFFECT_STATUSES: Record<TimelineEffect['status'], string> = {
  pending: 'waiting to run',
  sending: 'being sent',
  done: 'done',
  skipped: 'skipped',
  parked: 'outcome unknown',
  failed: 'failed',
};

const EVENT_STATUSES: Record<string, string> = {
  received: 'received',
  queued: 'waiting to be processed',
  processing: 'being processed',
  processed: 'processed',
  failed: 'failed, will be retried',
  dead: 'failed for good',
  ignored: 'not used by any workflow',
  unmapped: 'not understood',
};

const PROVIDERS: Record<string, string> = {
  stripe: 'Stripe',
  paypal: 'PayPal',
  razorpay: 'Razorpay',
  hubspot: 'HubSpot',
  whatsapp: 'WhatsApp',
  whatsapp_cloud: 'WhatsApp',
  twilio: 'Twilio',
  slack: 'Slack',
};

/** `payment_intent.succeeded` → `Payment intent succeeded`. */
export function humanize(code: string): string {
  const words = code.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const effectKind = (kind: string) => EFFECT_KINDS[kind] ?? humanize(kind);
export const effectStatus = (status: TimelineEffect['status']) => EFFECT_STATUSES[status] ?? status;
export const eventStatus = (status: string) => EVENT_STATUSES[status] ?? status;
export const providerName = (provider: string | null) => (provider ? (PROVIDERS[provider] ?? humanize(provider)) : 'an unknown provider');

export function eventTitle(e: TimelineEvent): string {
  return `${providerName(e.provider)} sent “${humanize(e.canonicalType ?? e.type)}”`;
}

/** What a person should do about an effect, or null when nothing is asked of them. */
export function effectNextStep(e: TimelineEffect): string | null {
  const provider = providerName(e.provider);
  if (e.status === 'failed')
    return `It failed for good after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}. Fix the cause at ${provider} if the error names one, then retry it; or skip it if it should not happen any more.`;
  if (e.status === 'parked')
    return `Nobody knows whether ${provider} received it (the call's outcome was lost). Check with the customer or in ${provider}: confirm it arrived, or resend it.`;
  return null;
}

export const DEAD_EVENT_NEXT_STEP = 'This event could not be processed. Retry it once the cause in the error is fixed.';

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function money(amount: number | null, currency: string | null): string {
  if (amount === null) return '—';
  if (!currency) return String(amount);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
  } catch {
    return `${amount / 100} ${currency.toUpperCase()}`;
  }
}
