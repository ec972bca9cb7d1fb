/**
 * The values a message template may name, as `{{path}}` in free text or as a parameter. The list is
 * closed so a typo in the settings file fails at start-up instead of sending an empty parameter.
 */
export const templatePaths = [
  'customer.name',
  'customer.phone',
  'customer.email',
  /** Formatted with its currency, e.g. `12.50 USD`. */
  'payment.amount',
  'payment.currency',
  'payment.id',
  'payment.link',
  'payment.gateway',
  'order.id',
  'refund.amount',
  'lead.name',
  'lead.owner',
  'deal.stage',
  'message.error',
] as const;

export type TemplatePath = (typeof templatePaths)[number];

/** `{{ path }}` placeholders in a free-form text. */
export const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
