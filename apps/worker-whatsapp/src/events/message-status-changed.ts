import { applyMessageStatus, closeAttention, findEffect, markEffectDone, tagEventEntity, transaction } from '@switchyard/db';
import type { CanonicalOf, MessageStatus } from '@switchyard/domain';
import { recordPlans, type EventHandlerContext } from '@switchyard/worker-runtime';
import { messageSendRequest, planMessageFailure } from '@switchyard/planning';
import type { SettingsHolder } from '@switchyard/outbound';
import { annotateActiveSpan, linkActiveSpanTo } from '@switchyard/telemetry';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Workflow 5. The message's state moves forward only (a late `sent` after `read` changes
 * nothing; a skipped `delivered` is fine). The webhook also settles our send: it carries our
 * effect id, so a send whose answer was lost in a crash is recorded as done, never repeated.
 * On the first `failed`: a CRM timeline note and a team notification, or — for a free-form text
 * refused outside the 24-hour window (131047) — the approved template instead.
 */
export async function handleMessageStatusChanged(event: CanonicalOf<'message.status_changed'>, ctx: EventHandlerContext, settings: SettingsHolder): Promise<void> {
  const s = settings.current();
  const mapped = (s.statusMappings.messages[event.channel === 'twilio' ? 'twilio' : 'whatsapp']?.[event.status] ?? event.status) as MessageStatus;
  const effectId = event.callbackData && UUID.test(event.callbackData) ? event.callbackData : undefined;
  await transaction(ctx.db, async (tx) => {
    const { before, after } = await applyMessageStatus(tx, {
      id: event.messageId,
      channel: event.channel,
      ...(event.recipient ? { recipient: event.recipient } : {}),
      status: mapped,
      ...(event.errorCode ? { errorCode: event.errorCode } : {}),
      ...(event.errorMessage ? { errorMessage: event.errorMessage } : {}),
      occurredAt: event.occurredAt,
      ...(effectId ? { effectId } : {}),
    });
    await tagEventEntity(tx, { eventId: ctx.eventId, entityType: 'message', entityKey: event.messageId });
    // An unsettled send is read again under its row lock: the re-run job of a send whose answer
    // was lost may be parking it right now (and raising an "outcome unknown" item). The unlocked
    // read may be the `sending` from before that park, and the send would end done with the
    // park's item left open for a person. A settled send (most webhooks) needs no lock.
    const seen = after.effect_id ? await findEffect(tx, after.effect_id) : null;
    const sentBy = seen && (seen.status === 'sending' || seen.status === 'parked') ? await findEffect(tx, seen.id, { lock: true }) : seen;
    if (seen) {
      // The status webhook is a trace of its own (the provider sends no trace context): link it to the send's.
      annotateActiveSpan({ 'switchyard.effect_id': seen.id });
      linkActiveSpanTo(seen.traceContext, { 'switchyard.effect_id': seen.id });
    }
    if (sentBy && (sentBy.status === 'sending' || sentBy.status === 'parked')) {
      // `reconciledFrom` is the stored response's key (old rows and the crash test read it); kept as it is.
      await markEffectDone(tx, { effectId: sentBy.id, providerRef: event.messageId, response: { reconciledFrom: 'status webhook', status: mapped } });
      if (sentBy.status === 'parked')
        await closeAttention(tx, { kind: 'effect_outcome_unknown', entityType: 'effect', entityKey: sentBy.id, by: 'worker-whatsapp', resolution: `sent: the provider reported message ${event.messageId} as ${mapped}` });
      ctx.logger.info('send settled by a status webhook', { effectId: sentBy.id, messageId: event.messageId });
    }
    if (mapped === 'failed' && before !== 'failed') {
      // The send's request as its schema reads it (the effect the webhook names is a message.send).
      const request = sentBy ? messageSendRequest.safeParse(sentBy.request).data : undefined;
      const sentAsText = (sentBy as { response?: { sentAs?: string } } | null)?.response?.sentAs === 'text';
      const sent = sentBy && request ? { effectId: sentBy.id, businessKey: sentBy.businessKey, request, sentAsText: sentAsText || (!!request.text && event.errorCode === '131047') } : null;
      await recordPlans(tx, { eventId: ctx.eventId, plans: planMessageFailure(event, s, sent) });
    }
  });
}
