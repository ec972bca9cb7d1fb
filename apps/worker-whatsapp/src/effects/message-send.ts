import { findMessageIdOfEffect, findPayment, type EffectLedger, type EffectRow } from '@switchyard/db';
import { isPaidStatus } from '@switchyard/domain';
import { PermanentError } from '@switchyard/errors';
import { missingTemplateValues, renderTemplateParameters, renderText } from '@switchyard/settings';
import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import type { MessageSendRequest } from '@switchyard/planning';
import type { EffectOutcome, IntentPerformer } from '@switchyard/worker-runtime';

const WINDOW_MS = 24 * 60 * 60 * 1000;

interface Prepared {
  /** Inside the 24-hour window with a text to send: free-form text instead of the template. */
  asText: boolean;
}

type Rendered = Pick<MessageSendRequest, 'template' | 'text'>;

/**
 * The message as this worker's settings render it now, so a reload (SIGHUP) reaches messages
 * planned before it. The request's own rendering is used when it carries no values (planned by an
 * older release) or its template key is no longer configured. A value the current template needs
 * and the request lacks, with no fallback, refuses the send: WhatsApp would refuse it too (131008).
 */
export function renderAtSend(r: MessageSendRequest, settings: SettingsHolder | undefined): Rendered {
  const template = settings?.current().messaging?.templates[r.notification];
  if (!r.context || !template) return { template: r.template, ...(r.text !== undefined ? { text: r.text } : {}) };
  const missing = missingTemplateValues({ ...template, text: r.text !== undefined ? template.text : undefined }, r.context);
  if (missing.length) throw new PermanentError(`message ${r.notification} not sent: no value for ${missing.join(', ')} and no fallback in messaging.templates.${r.notification}`, 'MESSAGE_VALUE_MISSING');
  return {
    template: { name: template.name, language: template.language, parameters: renderTemplateParameters(template, r.context) },
    // A request without text (a template-only resend after 131047) stays without text.
    ...(r.text !== undefined && template.text ? { text: renderText(template.text, r.context, template.fallbacks) } : {}),
  };
}

/**
 * Sends a customer message (WhatsApp Cloud template or text, or Twilio). Meta and Twilio cannot
 * deduplicate, so this is an intent effect: the intent is committed before the call and our
 * effect id travels as `biz_opaque_callback_data`, which Meta echoes in every status webhook of
 * the message — that is how a send whose answer a crash lost is settled instead of resent.
 *
 * Checked just before sending: consent (a STOP received after the effect was planned wins), and
 * for payment-failure notices that the payment has not succeeded since.
 */
export function messageSendPerformer(clients: OutboundClients, settings?: SettingsHolder, now: () => number = Date.now): IntentPerformer<'message.send', Prepared> {
  return {
    mode: 'intent',
    async precondition(effect, { db, ledger }) {
      const r = effect.request;
      const contact = await ledger.contact(r.to);
      if (contact?.opted_out_at) return `recipient opted out at ${contact.opted_out_at.toISOString()}`;
      if (r.consent === 'opted_in' && !contact?.consent) return 'recipient has not opted in';
      if (r.unlessPaid) {
        const payment = await findPayment(db, r.unlessPaid);
        if (payment && isPaidStatus(payment.status)) return `payment ${r.unlessPaid} has succeeded since; the failure notice is no longer true`;
      }
      return null;
    },
    // Before the intent is committed: the number's outbound permit and the choice of text or template.
    async prepare(effect, { ledger }): Promise<Prepared> {
      const r = { ...effect.request, ...renderAtSend(effect.request, settings) };
      if (r.channel === 'twilio') {
        await clients.twilio(r.connection).takePermit();
        return { asText: false };
      }
      const asText = await withinWindow(ledger, r, now);
      await clients.whatsapp(r.connection).takePermit();
      return { asText };
    },
    async perform(effect, _ctx, prepared) {
      const r = { ...effect.request, ...renderAtSend(effect.request, settings) };
      // The runner always prepares before it performs an intent; no preparation means the template.
      const asText = prepared?.asText ?? false;
      let outcome: EffectOutcome;
      if (r.channel === 'twilio') {
        const body = r.text ?? `${r.template.name}: ${r.template.parameters.join(' ')}`;
        const out = await clients.twilio(r.connection).sendMessage({ to: `whatsapp:+${r.to}`, body, permitTaken: true });
        outcome = { providerRef: out.sid, response: { sid: out.sid, status: out.status } };
      } else {
        const client = clients.whatsapp(r.connection);
        // prepare() chose text only when there is one (withinWindow); the type cannot carry that across.
        const text = asText ? r.text : undefined;
        const out = text
          ? await client.sendText({ to: r.to, body: text, bizOpaqueCallbackData: effect.id, permitTaken: true })
          : await client.sendTemplate({ to: r.to, name: r.template.name, language: r.template.language, parameters: r.template.parameters, bizOpaqueCallbackData: effect.id, permitTaken: true });
        outcome = { providerRef: out.messageId, response: { messageId: out.messageId, sentAs: text ? 'text' : 'template' } };
      }
      return outcome;
    },
    async findOutcome(effect, { db }) {
      const messageId = await findMessageIdOfEffect(db, effect.id);
      // `reconciled` is the stored response's key (old rows and the crash test read it); kept as it is.
      return messageId ? { providerRef: messageId, response: { reconciled: true } } : null;
    },
    async settle(effect, outcome, { ledger }) {
      const r = effect.request;
      // The message is an upsert that keeps what a status webhook may already have written.
      if (outcome.providerRef) await ledger.markDoneWithMessage({ effectId: effect.id, response: outcome.response ?? null, message: { id: outcome.providerRef, channel: r.channel, recipient: r.to } });
      else await ledger.markDone({ effectId: effect.id, providerRef: null, response: outcome.response ?? null });
    },
  };
}

/** Free-form text only inside the 24-hour customer-service window; templates everywhere else. */
async function withinWindow(ledger: EffectLedger, r: MessageSendRequest, now: () => number): Promise<boolean> {
  if (!r.text) return false;
  const contact = await ledger.contact(r.to);
  return !!contact?.last_inbound_at && now() - contact.last_inbound_at.getTime() < WINDOW_MS;
}

export type { EffectRow };
