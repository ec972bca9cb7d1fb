import { Router } from 'express';
import { ids } from '../../support/ids';
import { statusEntry, WHATSAPP_STATUS_ERRORS, whatsappRequest, type WhatsappStatus } from '../../webhooks/whatsapp';
import { joinUrl } from '../../webhooks/types';
import { bearerToken, send } from '../auth';
import { CallbackScheduler } from '../callback-scheduler';
import { metaError } from '../error-bodies';
import type { ApiDeps, EmulatedApi } from '../types';

interface SentMessage {
  id: string;
  phoneNumberId: string;
  to: string;
  type: string;
  template?: string;
  text?: string;
  statuses: WhatsappStatus[];
  errorCode?: number;
  /** Echoed in every status webhook of this message, as Meta does. */
  bizOpaqueCallbackData?: string;
  createdAt: string;
}

/**
 * Recipients whose wa_id ends in these digits behave like the matching Meta error
 * (the sandbox has no real 24-hour window, so tests pick the outcome by number).
 */
export const WHATSAPP_MAGIC_SUFFIXES = {
  /** Free-form (non-template) messages fail asynchronously: outside the 24-hour window. */
  outsideWindow: '1047',
  /** Any message fails asynchronously: undeliverable. */
  undeliverable: '1026',
  /** The send itself is refused: throughput cap (HTTP 400, code 130429). */
  throughput: '0429',
} as const;

const VERSION = /^v\d+(\.\d+)?$/;

/** WhatsApp Cloud API `POST /v{N}/{phone-number-id}/messages`, then signed status webhooks. */
/** `Parameter N of the body component is empty`, or nothing when every text parameter has text. */
function emptyTemplateParameter(template: unknown): string | undefined {
  const components = (template as { components?: unknown } | undefined)?.components;
  if (!Array.isArray(components)) return undefined;
  for (const component of components as { type?: string; parameters?: unknown }[]) {
    if (!Array.isArray(component?.parameters)) continue;
    const index = (component.parameters as { type?: string; text?: unknown }[]).findIndex((p) => p?.type === 'text' && (typeof p.text !== 'string' || p.text.trim() === ''));
    if (index >= 0) return `Parameter ${index + 1} of the ${component.type ?? 'body'} component is empty. Every template parameter needs a value.`;
  }
  return undefined;
}

export function createWhatsappApi(deps: ApiDeps): EmulatedApi {
  const { rng, clock, config, log } = deps;
  const callbacks = new CallbackScheduler(clock, deps.webhookSender, log);
  const messages = new Map<string, SentMessage>();
  const wabaId = ids.digits(rng, 15);
  const router = Router();

  router.post('/:version/:phoneNumberId/messages', (req, res, next) => {
    if (!VERSION.test(req.params.version ?? '')) return next();
    const token = bearerToken(req);
    if (!token) return send(res, metaError(rng, 401, 190, 'An active access token must be used to query information about the current user.'));
    if (token !== config.SANDBOX_WHATSAPP_TOKEN) return send(res, metaError(rng, 401, 190, 'Invalid OAuth access token - Cannot parse access token'));

    const body = (req.body ?? {}) as Record<string, unknown>;
    const invalid = (details: string) => send(res, metaError(rng, 400, 100, '(#100) Invalid parameter', details));
    if (body.messaging_product !== 'whatsapp') return invalid('The parameter messaging_product is required.');
    const input = typeof body.to === 'string' ? body.to : '';
    const waId = input.replace(/[\s+()-]/g, '');
    if (!/^\d{8,15}$/.test(waId)) return invalid('Invalid parameter to');
    const type = typeof body.type === 'string' ? body.type : 'text';
    const template = body.template as { name?: string; language?: { code?: string } } | undefined;
    const text = body.text as { body?: string } | undefined;
    if (type === 'template' && (!template?.name || !template.language?.code)) return invalid('Param template[name] and template[language][code] are required.');
    if (type === 'text' && !text?.body) return invalid('Param text[body] is required.');
    // WhatsApp refuses a template whose parameter is empty, as the real API does.
    const emptyParam = type === 'template' ? emptyTemplateParameter(body.template) : undefined;
    if (emptyParam) return send(res, metaError(rng, 400, 131008, '(#131008) Required parameter is missing', emptyParam));
    if (type !== 'template' && type !== 'text') return invalid(`Unsupported message type ${type} in the sandbox (template, text).`);
    const opaque = body.biz_opaque_callback_data;
    if (opaque !== undefined && (typeof opaque !== 'string' || opaque.length > 512)) return invalid('Param biz_opaque_callback_data must be a string of at most 512 characters.');
    if (waId.endsWith(WHATSAPP_MAGIC_SUFFIXES.throughput)) {
      return send(res, metaError(rng, 400, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.'));
    }

    const phoneNumberId = req.params.phoneNumberId ?? '';
    const id = ids.wamid(rng, waId);
    const errorCode =
      waId.endsWith(WHATSAPP_MAGIC_SUFFIXES.undeliverable) ? 131026 : waId.endsWith(WHATSAPP_MAGIC_SUFFIXES.outsideWindow) && type !== 'template' ? 131047 : undefined;
    const message: SentMessage = {
      id,
      phoneNumberId,
      to: waId,
      type,
      ...(template?.name ? { template: template.name } : {}),
      ...(text?.body ? { text: text.body } : {}),
      statuses: [],
      ...(errorCode ? { errorCode } : {}),
      ...(typeof opaque === 'string' ? { bizOpaqueCallbackData: opaque } : {}),
      createdAt: new Date(clock.now()).toISOString(),
    };
    messages.set(id, message);
    if (config.SANDBOX_STATUS_CALLBACKS) scheduleStatuses(message);
    send(res, {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input, wa_id: waId }],
        messages: [{ id, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
      },
    });
  });

  function scheduleStatuses(message: SentMessage): void {
    const [sentDelay = 0, deliveredDelay = 0, readDelay = 0] = config.SANDBOX_STATUS_DELAYS_MS;
    const steps: Array<[WhatsappStatus, number]> = message.errorCode
      ? [['failed', sentDelay]]
      : [['sent', sentDelay], ['delivered', deliveredDelay], ['read', readDelay]];
    const conversationId = ids.hex(rng, 32);
    for (const [status, delay] of steps) {
      callbacks.schedule(delay, () => {
        message.statuses.push(status);
        const at = clock.now();
        const entry = statusEntry(
          {
            messageId: message.id,
            recipientId: message.to,
            status,
            timestampMs: at,
            category: message.type === 'template' ? 'utility' : 'service',
            ...(message.bizOpaqueCallbackData !== undefined ? { bizOpaqueCallbackData: message.bizOpaqueCallbackData } : {}),
            ...(message.errorCode === 131047 || message.errorCode === 131026 ? { errors: [WHATSAPP_STATUS_ERRORS[message.errorCode]] } : {}),
          },
          conversationId,
        );
        const request = whatsappRequest(
          `status.${status}`,
          [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: message.phoneNumberId }, statuses: [entry] },
              ids: [`${message.id}:${status}`],
            },
          ],
          { wabaId, appSecret: config.WHATSAPP_APP_SECRET, now: at, path: '/webhooks/whatsapp' },
        );
        return { url: joinUrl(config.SANDBOX_RECEIVER_URL, request.path), request };
      });
    }
  }

  return {
    provider: 'whatsapp',
    owns: (path) => /^\/v\d+(\.\d+)?\/[^/]+\/messages$/.test(path),
    router,
    snapshot: () => ({ messages: [...messages.values()], statusWebhooks: callbacks.deliveries }),
    reset: () => {
      callbacks.reset();
      messages.clear();
    },
    close: () => callbacks.cancelAll(),
    callbacks: () => ({ pending: callbacks.pending, delivered: callbacks.delivered }),
  };
}
