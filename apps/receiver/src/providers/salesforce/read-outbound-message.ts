import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { MAX_BODY_DEPTH } from '../../http/parse-bounded-json';
import type { InboundRequest } from '../provider-adapter';
import { WebhookRejection } from '../webhook-rejection';

/** One `Notification` of an outbound message, flattened to what we store and map. */
export interface SalesforceNotification {
  notificationId: string;
  organizationId: string;
  actionId: string | null;
  /** `Opportunity`, `Lead`, `Contact`, ... from the sObject's `xsi:type`. */
  sObjectType: string;
  /** The fields the outbound message was configured to send; `xsi:nil` fields are null. */
  sObject: Record<string, string | null>;
}

export interface OutboundMessage {
  organizationId: string;
  notifications: SalesforceNotification[];
}

// Prefixes are dropped: senders may bind any prefix (or the default namespace) to the same URIs.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, jpath) => jpath === 'Envelope.Body.notifications.Notification',
  // The same bound as JSON bodies: past it the parser throws, and the parsed tree is stored and walked recursively.
  // (fast-xml-parser counts the stack below the current element, hence the - 1.)
  maxNestedTags: MAX_BODY_DEPTH - 1,
});

function parseXml(xml: string): unknown {
  try {
    return parser.parse(xml);
  } catch (err) {
    if (/nested tags/i.test((err as Error).message)) throw new WebhookRejection('nesting_too_deep', `XML nesting is deeper than the limit of ${MAX_BODY_DEPTH} levels`);
    throw new WebhookRejection('malformed_body', `body could not be parsed as XML: ${(err as Error).message}`);
  }
}

const field = z.union([z.string(), z.looseObject({ '#text': z.string().optional(), '@_nil': z.string().optional() })]);
const envelope = z.object({
  Envelope: z.object({
    Body: z.object({
      notifications: z.object({
        OrganizationId: z.string().min(1),
        ActionId: z.string().optional(),
        Notification: z.array(z.object({ Id: z.string().min(1), sObject: z.record(z.string(), z.unknown()) })).default([]),
      }),
    }),
  }),
});

function text(value: unknown): string | null {
  const parsed = field.safeParse(value);
  if (!parsed.success) return null;
  if (typeof parsed.data === 'string') return parsed.data;
  return parsed.data['@_nil'] === 'true' ? null : (parsed.data['#text'] ?? '');
}

function decode(request: InboundRequest): OutboundMessage {
  const type = request.headers['content-type'] ?? '';
  if (!/^(text\/xml|application\/(soap\+)?xml)\b/i.test(type)) throw new WebhookRejection('wrong_content_type', `expected Content-Type text/xml (a SOAP outbound message), got "${type || 'none'}"`);
  const xml = request.rawBody.toString('utf8');
  const valid = xml.trim() ? XMLValidator.validate(xml) : { err: { msg: 'empty body', line: 1 } };
  if (valid !== true) throw new WebhookRejection('malformed_body', `body is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parsed = envelope.safeParse(parseXml(xml));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookRejection('malformed_body', `not a Salesforce outbound message: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}`);
  }
  const n = parsed.data.Envelope.Body.notifications;
  return {
    organizationId: n.OrganizationId,
    notifications: n.Notification.map((item) => {
      const { '@_type': xsiType, ...fields } = item.sObject;
      const sObject: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(fields)) if (!k.startsWith('@_')) sObject[k] = text(v);
      return { notificationId: item.Id, organizationId: n.OrganizationId, actionId: n.ActionId ?? null, sObjectType: typeof xsiType === 'string' ? (xsiType.split(':').pop() ?? xsiType) : 'unknown', sObject };
    }),
  };
}

// verify and split both need the decoded message; the request object is the same for both.
const decoded = new WeakMap<InboundRequest, OutboundMessage>();

/** Checks the content type, parses the SOAP envelope once per request, and names what is wrong. */
export function readOutboundMessage(request: InboundRequest): OutboundMessage {
  let message = decoded.get(request);
  if (!message) decoded.set(request, (message = decode(request)));
  return message;
}
