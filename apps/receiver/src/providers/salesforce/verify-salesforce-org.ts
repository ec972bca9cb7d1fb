import { safeEqual } from '../shared/hmac';
import { WebhookRejection } from '../webhook-rejection';

/**
 * Outbound messages carry no signature; the org id is what ties one to our Salesforce org. Ids
 * come as 15 (case-sensitive) or 18 characters (15 plus a case-checksum suffix), so the first 15
 * characters are compared, case-sensitively.
 */
export function verifySalesforceOrg(organizationId: string, configuredOrgId: string): void {
  const received = Buffer.from(organizationId.slice(0, 15));
  if (organizationId.length < 15 || !safeEqual(received, Buffer.from(configuredOrgId.slice(0, 15))))
    throw new WebhookRejection('wrong_account', `OrganizationId "${organizationId.slice(0, 18)}" is not the Salesforce org configured for this connection`);
}
