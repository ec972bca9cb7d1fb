import type { CanonicalOf } from '@switchyard/domain';
import type { MessageSendRequest } from '../effect-requests';
import { keywordOf, OUTSIDE_WINDOW, planInboundMessage, planMessageFailure } from './message-effects';
import { expectPlans, planSettings, type ExpectedPlan, type PlanSwitches } from './plan-test-kit';

type StatusEvent = CanonicalOf<'message.status_changed'>;
type InboundEvent = CanonicalOf<'message.received'>;
type Sent = Parameters<typeof planMessageFailure>[2];

const failedStatus = (o: Partial<StatusEvent> = {}): StatusEvent => ({
  type: 'message.status_changed',
  provider: 'whatsapp',
  connection: 'default',
  providerEventId: 'wamid.1:failed',
  occurredAt: '2026-12-01T10:00:00.000Z',
  channel: 'whatsapp_cloud',
  messageId: 'wamid.1',
  recipient: '15550001111',
  status: 'failed',
  errorCode: OUTSIDE_WINDOW,
  errorMessage: 'Re-engagement message',
  ...o,
});

const receiptRequest: MessageSendRequest = {
  channel: 'whatsapp_cloud',
  connection: 'eu',
  to: '15550002222',
  notification: 'payment_receipt',
  template: { name: 'payment_receipt', language: 'en_US', parameters: ['Asha Rao', '497.99 USD', 'WEB-1042'] },
  text: 'Thanks Asha Rao! We received 497.99 USD for order WEB-1042.',
  context: { customer: { name: 'Asha Rao' } },
  consent: 'unless_opted_out',
};
const sentAs = (sentAsText: boolean): Sent => ({ effectId: 'eff_1', businessKey: 'receipt:stripe:default:pi_1', request: receiptRequest, sentAsText });

const note = (body: string, phone: string | undefined): ExpectedPlan => ['crm.note', 'msg-failed:wamid.1', { provider: 'hubspot', noteId: 'msg-failed:wamid.1', body, contact: { phone } }];
const alert = (body: string, errorCode: string | undefined): ExpectedPlan => ['team.notify', 'ops:message.failed:wamid.1', { event: 'message.failed', text: `:warning: ${body}`, data: { messageId: 'wamid.1', errorCode } }];
/** The note and the alert; `o` overrides the recipient's phone and the error code (undefined: none). */
const both = (body: string, o: { phone?: string; errorCode?: string } = {}): ExpectedPlan[] => [note(body, 'phone' in o ? o.phone : '15550001111'), alert(body, 'errorCode' in o ? o.errorCode : OUTSIDE_WINDOW)];
const fallback: ExpectedPlan = ['message.send', 'receipt:stripe:default:pi_1:template-fallback', { channel: 'whatsapp_cloud', connection: 'eu', to: '15550002222', notification: 'payment_receipt', template: receiptRequest.template, consent: 'unless_opted_out' }];

const outsideWindow = 'WhatsApp message wamid.1 (payment_receipt) to 15550001111 failed: 131047: Re-engagement message';

// Rows: (the failure, the send it reports on, the settings) → the plans, in order.
describe('planMessageFailure: failure × the send × settings → plans', () => {
  it.each<[string, StatusEvent, Sent, PlanSwitches, ExpectedPlan[]]>([
    ['a text refused outside the 24-hour window: sent again as its template, nothing else', failedStatus(), sentAs(true), {}, [fallback]],
    ['the same with nothing else configured', failedStatus(), sentAs(true), { crm: false, messaging: false, team: {} }, [fallback]],
    ['a template refused outside the window: no template to fall back to', failedStatus(), sentAs(false), {}, both(outsideWindow)],
    ['a text refused for another reason', failedStatus({ errorCode: '131026', errorMessage: 'Message undeliverable' }), sentAs(true), {}, both('WhatsApp message wamid.1 (payment_receipt) to 15550001111 failed: 131026: Message undeliverable', { errorCode: '131026' })],
    ['a message we have no send for', failedStatus({ errorCode: '131026', errorMessage: 'Message undeliverable' }), null, {}, both('WhatsApp message wamid.1 to 15550001111 failed: 131026: Message undeliverable', { errorCode: '131026' })],
    ['outside the window, but no send to resend', failedStatus(), null, {}, both('WhatsApp message wamid.1 to 15550001111 failed: 131047: Re-engagement message')],
    ['no recipient on the status: the send\'s', failedStatus({ recipient: undefined }), sentAs(false), {}, both('WhatsApp message wamid.1 (payment_receipt) to 15550002222 failed: 131047: Re-engagement message', { phone: '15550002222' })],
    ['no recipient and no send', failedStatus({ recipient: undefined }), null, {}, both('WhatsApp message wamid.1 to unknown failed: 131047: Re-engagement message', { phone: undefined })],
    ['no error code or message', failedStatus({ errorCode: undefined, errorMessage: undefined }), null, {}, both('WhatsApp message wamid.1 to 15550001111 failed: unknown: no details', { errorCode: undefined })],
    ['no CRM', failedStatus(), sentAs(false), { crm: false }, [alert(outsideWindow, OUTSIDE_WINDOW)]],
    ['team not subscribed to failed messages', failedStatus(), sentAs(false), { team: { ops: ['payment.failed'] } }, [note(outsideWindow, '15550001111')]],
    ['nothing configured', failedStatus(), sentAs(false), { crm: false, team: {} }, []],
  ])('%s', (_, event, sent, switches, expected) => {
    const plans = planMessageFailure(event, planSettings(switches), sent);
    expectPlans(plans, expected);
    for (const p of plans) expect([p.entityType, p.entityKey]).toEqual(['message', 'wamid.1']);
  });

  it('resends the template without the free-form text, on the connection it went out on', () => {
    const [plan] = planMessageFailure(failedStatus(), planSettings(), sentAs(true));
    expect(plan).toMatchObject({ provider: 'whatsapp', connection: 'eu' });
    const { text: _text, ...withoutText } = receiptRequest;
    expect(plan?.request).toEqual(withoutText);
    expect(plan?.request).not.toHaveProperty('text');
  });
});

const inbound = (o: Partial<InboundEvent> = {}): InboundEvent => ({
  type: 'message.received',
  provider: 'whatsapp',
  connection: 'default',
  providerEventId: 'wamid.in',
  occurredAt: '2026-12-01T10:00:00.000Z',
  channel: 'whatsapp_cloud',
  messageId: 'wamid.in',
  from: '15550001111',
  text: 'Hi, where is my order?',
  messageType: 'text',
  profileName: 'Asha',
  ...o,
});

const contact = (request: Record<string, unknown>): ExpectedPlan => ['crm.contact.upsert', 'inbound-contact:wamid.in', { provider: 'hubspot', connection: 'default', ...request }];
const inboundNote = (body: string): ExpectedPlan => ['crm.note', 'inbound:wamid.in', { noteId: 'inbound:wamid.in', body, contact: { phone: '15550001111' } }];

// Rows: (the inbound message, the settings) → the plans, in order.
describe('planInboundMessage: message × settings → plans', () => {
  it.each<[string, InboundEvent, PlanSwitches, ExpectedPlan[]]>([
    ['a text from a named profile', inbound(), {}, [contact({ phone: '15550001111', name: 'Asha' }), inboundNote('WhatsApp from 15550001111: Hi, where is my order?')]],
    ['an image without a caption', inbound({ text: undefined, messageType: 'image' }), {}, [contact({ phone: '15550001111', name: 'Asha' }), inboundNote('WhatsApp from 15550001111: [image]')]],
    ['a sender written with punctuation', inbound({ from: '+1 (555) 000-1111' }), {}, [contact({ phone: '15550001111' }), inboundNote('WhatsApp from 15550001111: Hi, where is my order?')]],
    ['a sender too short to be a phone', inbound({ from: '12345' }), {}, []],
    ['no CRM', inbound(), { crm: false }, []],
  ])('%s', (_, event, switches, expected) => {
    const plans = planInboundMessage(event, planSettings(switches));
    expectPlans(plans, expected);
    for (const p of plans) expect([p.entityType, p.entityKey]).toEqual(['contact', '15550001111']);
  });

  it('names the contact only when the profile has a name', () => {
    expect(planInboundMessage(inbound(), planSettings())[0]?.request).toHaveProperty('name', 'Asha');
    expect(planInboundMessage(inbound({ profileName: undefined }), planSettings())[0]?.request).not.toHaveProperty('name');
  });
});

describe('keywordOf: (text, keywords) → whole-message match', () => {
  it.each<[string | undefined, string[], boolean]>([
    ['STOP', ['STOP', 'UNSUBSCRIBE'], true],
    ['stop', ['STOP', 'UNSUBSCRIBE'], true],
    ['  Unsubscribe ', ['STOP', 'UNSUBSCRIBE'], true],
    ['start', [' Start '], true],
    ['stop please', ['STOP'], false],
    ['STOPP', ['STOP'], false],
    ['', ['STOP'], false],
    ['   ', ['STOP'], false],
    [undefined, ['STOP'], false],
    ['STOP', [], false],
  ])('%j in %j → %s', (text, keywords, match) => expect(keywordOf(text, keywords)).toBe(match));
});
