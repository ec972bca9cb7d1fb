import { ids } from '../support/ids';
import { iso } from './json';
import { RETRY_SCHEDULES } from './retry-schedules';
import { receiverPath, UnknownEventError, type BuildContext, type ProviderWebhooks, type WebhookRequest } from './types';

const EVENTS = ['Opportunity', 'Lead'] as const;
const OPPORTUNITY_STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won'];
const LEAD_STATUSES = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted'];
const INSTANCE = 'https://switchyard-sandbox.my.salesforce.com';

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function field(name: string, value: string | number): string {
  return `<sf:${name}>${escapeXml(String(value))}</sf:${name}>`;
}

function sObject(kind: (typeof EVENTS)[number], ctx: BuildContext, index: number, size: number, at: number): string {
  const { subject: s } = ctx;
  // A batch walks one record through its stages: the last notification holds the newest state.
  const progress = (list: readonly string[]) => list[Math.min(list.length - 1, list.length - size + index)] ?? list[0] ?? '';
  const fields =
    kind === 'Opportunity'
      ? [
          field('Id', s.salesforce.opportunityId),
          field('Amount', (s.amount / 100).toFixed(2)),
          field('Email__c', s.email),
          field('LastModifiedDate', iso(at)),
          field('Name', `${s.name} - Switchyard`),
          field('StageName', progress(OPPORTUNITY_STAGES)),
        ]
      : [
          field('Id', s.salesforce.leadId),
          field('Company', `${s.name.split(' ')[1] ?? 'Acme'} Ltd`),
          field('Email', s.email),
          field('LastModifiedDate', iso(at)),
          field('LastName', s.name.split(' ')[1] ?? s.name),
          field('Status', progress(LEAD_STATUSES)),
        ];
  return `<sObject xsi:type="sf:${kind}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields.join('')}</sObject>`;
}

/**
 * A SOAP outbound message with up to 100 notifications. Salesforce does not sign these: the
 * receiver checks OrganizationId (and optionally a client certificate).
 */
export function buildSalesforce(event: string, ctx: BuildContext): WebhookRequest {
  const kind = EVENTS.find((e) => e.toLowerCase() === event.toLowerCase());
  if (!kind) throw new UnknownEventError('salesforce', event, EVENTS);
  const size = Math.max(1, Math.min(ctx.batchSize, 100));
  const orgId = ctx.secrets.salesforceOrgId;
  const notificationIds = Array.from({ length: size }, () => ids.salesforce(ctx.rng, '04l'));
  const notifications = notificationIds
    .map((id, i) => `<Notification><Id>${id}</Id>${sObject(kind, ctx, i, size, ctx.now - (size - 1 - i) * 1000)}</Notification>`)
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">' +
    `<OrganizationId>${escapeXml(orgId)}</OrganizationId>` +
    `<ActionId>${ids.salesforce(ctx.rng, '04k')}</ActionId>` +
    '<SessionId xsi:nil="true"/>' +
    `<EnterpriseUrl>${INSTANCE}/services/Soap/c/62.0/${escapeXml(orgId.slice(0, 15))}</EnterpriseUrl>` +
    `<PartnerUrl>${INSTANCE}/services/Soap/u/62.0/${escapeXml(orgId.slice(0, 15))}</PartnerUrl>` +
    notifications +
    '</notifications></soapenv:Body></soapenv:Envelope>';
  return {
    provider: 'salesforce',
    event: kind,
    eventId: notificationIds[0] ?? '',
    eventIds: notificationIds,
    method: 'POST',
    path: receiverPath('salesforce', ctx),
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""', 'user-agent': 'Jakarta Commons-HttpClient/3.1' },
    body,
    occurredAt: ctx.now,
  };
}

export const salesforceWebhooks: ProviderWebhooks = {
  provider: 'salesforce',
  events: EVENTS,
  build: buildSalesforce,
  sequence: ['Lead', 'Opportunity'],
  retrySchedule: RETRY_SCHEDULES.salesforce,
};
