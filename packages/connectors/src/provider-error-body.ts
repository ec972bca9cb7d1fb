import type { Provider } from './providers';

/** What a provider's error body says: its own error code and message, however it spells them. */
export interface ProviderErrorBody {
  code?: string;
  message?: string;
  /** HubSpot's rate-limit policy (`TEN_SECONDLY_ROLLING`, `DAILY`). */
  policyName?: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined);

function parse(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** OAuth token endpoints (Salesforce, PayPal) answer `{error, error_description}`. */
function oauth(body: Json): ProviderErrorBody | undefined {
  return typeof body.error === 'string' ? { code: body.error, message: str(body.error_description) } : undefined;
}

function generic(body: unknown): ProviderErrorBody {
  if (typeof body === 'string') return body.length <= 64 && /^[\w.-]+$/.test(body) ? { code: body, message: body } : { message: body.slice(0, 200) };
  if (!isObject(body)) return {};
  if (isObject(body.error)) return { code: str(body.error.code) ?? str(body.error.type), message: str(body.error.message) ?? str(body.error.description) };
  return { code: str(body.code) ?? str(body.errorCode), message: str(body.message) ?? str(body.error) ?? str(body.error_description) };
}

export function readErrorBody(provider: Provider, data: unknown): ProviderErrorBody {
  const body = parse(data);
  switch (provider) {
    case 'whatsapp': {
      const error = isObject(body) && isObject(body.error) ? body.error : undefined;
      if (!error) break;
      const details = isObject(error.error_data) ? str(error.error_data.details) : undefined;
      const message = str(error.message);
      return { code: str(error.code), message: details && message && !message.includes(details) ? `${message} (${details})` : (message ?? details) };
    }
    case 'twilio':
      if (isObject(body)) return { code: str(body.code), message: str(body.message) };
      break;
    case 'hubspot':
      if (isObject(body)) {
        const policyName = str(body.policyName);
        return { code: policyName ?? str(body.category) ?? str(body.errorType), message: str(body.message), ...(policyName ? { policyName } : {}) };
      }
      break;
    case 'pipedrive':
      if (isObject(body)) return { code: str(body.code), message: str(body.error) };
      break;
    case 'salesforce': {
      const first = Array.isArray(body) ? body[0] : body;
      if (isObject(first)) return oauth(first) ?? { code: str(first.errorCode), message: str(first.message) };
      break;
    }
    case 'stripe':
      if (isObject(body) && isObject(body.error)) return { code: str(body.error.code) ?? str(body.error.type), message: str(body.error.message) };
      break;
    case 'razorpay':
      if (isObject(body) && isObject(body.error)) return { code: str(body.error.code), message: str(body.error.description) };
      break;
    case 'paypal':
      if (isObject(body)) {
        const detail = Array.isArray(body.details) && isObject(body.details[0]) ? body.details[0] : undefined;
        const issue = detail ? str(detail.issue) : undefined;
        const description = detail ? str(detail.description) : undefined;
        if (!issue && !body.name) return oauth(body) ?? generic(body);
        return { code: issue ?? str(body.name), message: [str(body.message), description].filter(Boolean).join(' ') || undefined };
      }
      break;
    case 'notifier':
      break;
  }
  return generic(body);
}
