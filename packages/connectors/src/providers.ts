/** Every outbound party the connectors talk to; `notifier` is any Slack-compatible or plain HTTP endpoint. */
export const PROVIDERS = ['whatsapp', 'twilio', 'hubspot', 'pipedrive', 'salesforce', 'stripe', 'razorpay', 'paypal', 'notifier'] as const;
export type Provider = (typeof PROVIDERS)[number];
