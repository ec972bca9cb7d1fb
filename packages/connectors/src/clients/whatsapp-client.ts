import { outboundLimit, type ClientOptions } from '../client-options';
import { createProviderHttp, permitConfig } from '../provider-http';
import { unexpectedResponse } from '../unexpected-response';

export interface WhatsappConfig {
  baseUrl: string;
  token: string;
  phoneNumberId: string;
  apiVersion?: string;
}

export interface WhatsappTemplateMessage {
  /** Recipient phone number (wa_id), digits with or without `+`. */
  to: string;
  name: string;
  /** Template language code, e.g. `en_US`. */
  language: string;
  /** Body parameters in order ({{1}}, {{2}}, ...). */
  parameters: string[];
  /** Echoed back by Meta in every status webhook of this message (max 512 chars). */
  bizOpaqueCallbackData?: string;
  /** The caller already took this send's outbound permit (`takePermit`). */
  permitTaken?: boolean;
}

export interface WhatsappTextMessage {
  to: string;
  body: string;
  bizOpaqueCallbackData?: string;
  permitTaken?: boolean;
}

export interface WhatsappClient {
  sendTemplate(message: WhatsappTemplateMessage): Promise<{ messageId: string }>;
  sendText(message: WhatsappTextMessage): Promise<{ messageId: string }>;
  /** Takes one permit of the number's outbound limit now, for a send made later with `permitTaken`. */
  takePermit(): Promise<void>;
}

/** Meta's default throughput: 80 messages per second per business phone number. */
export const WHATSAPP_DEFAULT_LIMIT = { limit: 80, windowMs: 1_000 };

/** WhatsApp Cloud API: `POST /{version}/{phone-number-id}/messages` with a Bearer token. Meta has no idempotency key: dedupe on our side. */
export function createWhatsappClient(config: WhatsappConfig, options: ClientOptions = {}): WhatsappClient {
  const version = config.apiVersion ?? 'v21.0';
  const http = createProviderHttp({
    provider: 'whatsapp',
    baseURL: config.baseUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    auth: { type: 'bearer', token: config.token },
    rateLimit: outboundLimit(options, { key: `whatsapp:${config.phoneNumberId}`, ...WHATSAPP_DEFAULT_LIMIT }),
  });
  const path = `/${encodeURIComponent(version)}/${encodeURIComponent(config.phoneNumberId)}/messages`;

  async function send(to: string, content: Record<string, unknown>, bizOpaqueCallbackData: string | undefined, permitTaken: boolean | undefined): Promise<{ messageId: string }> {
    const { data } = await http.post<{ messages?: Array<{ id?: string }> }>(path, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      ...content,
      ...(bizOpaqueCallbackData !== undefined ? { biz_opaque_callback_data: bizOpaqueCallbackData } : {}),
    }, permitConfig(permitTaken));
    const messageId = data?.messages?.[0]?.id;
    if (!messageId) throw unexpectedResponse('whatsapp', 'messages[0].id');
    return { messageId };
  }

  return {
    sendTemplate: ({ to, name, language, parameters, bizOpaqueCallbackData, permitTaken }) =>
      send(
        to,
        {
          type: 'template',
          template: {
            name,
            language: { code: language },
            ...(parameters.length > 0 ? { components: [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] } : {}),
          },
        },
        bizOpaqueCallbackData,
        permitTaken,
      ),
    sendText: ({ to, body, bizOpaqueCallbackData, permitTaken }) => send(to, { type: 'text', text: { preview_url: false, body } }, bizOpaqueCallbackData, permitTaken),
    takePermit: () => http.takePermit(),
  };
}
