import { z } from 'zod';
import { itemAsIs, type ProviderAdapter } from '../provider-adapter';
import { parseSalesforceNotification } from './parse-salesforce-notification';
import { readOutboundMessage, type SalesforceNotification } from './read-outbound-message';
import { verifySalesforceOrg } from './verify-salesforce-org';

const connectionSchema = z.object({
  name: z.string(),
  orgId: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce org id'),
});
export type SalesforceConnection = z.infer<typeof connectionSchema>;

/** Without this exact answer Salesforce keeps redelivering the message for 24 hours. */
export const SALESFORCE_ACK =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

/** Salesforce outbound messages: SOAP, up to 100 notifications, authenticated by org id only. */
export const salesforceAdapter: ProviderAdapter<SalesforceConnection, SalesforceNotification> = {
  provider: 'salesforce',
  connectionSchema,
  verify: (req, conn) => verifySalesforceOrg(readOutboundMessage(req).organizationId, conn.orgId),
  split: (req) => readOutboundMessage(req).notifications.map(itemAsIs),
  identify: (event) => event.notificationId,
  typeOf: (event) => event.sObjectType,
  parse: (event, ctx) => parseSalesforceNotification(event, ctx),
  acknowledge: () => ({ status: 200, contentType: 'text/xml', body: SALESFORCE_ACK }),
};
