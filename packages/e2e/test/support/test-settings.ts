/**
 * The configuration the end-to-end tests run with: the example file's shape, pointed at the
 * test's sandbox. Tests override sections to exercise one workflow at a time.
 */
export function testSettingsDoc(sandboxUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    outbound: {
      whatsapp: { default: { baseUrl: sandboxUrl, token: 'sandbox-token', phoneNumberId: '100000000000001' } },
      hubspot: { default: { baseUrl: sandboxUrl, token: 'sandbox-token' } },
      stripe: { default: { baseUrl: sandboxUrl, apiKey: 'sk_test_sandbox' } },
      razorpay: { default: { baseUrl: sandboxUrl, keyId: 'rzp_test_sandbox', keySecret: 'sandbox-secret' } },
      paypal: { default: { baseUrl: sandboxUrl, clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' } },
    },
    statusMappings: { crmStages: { hubspot: { closedwon: 'won', appointmentscheduled: 'appointment' } } },
    crm: { provider: 'hubspot', pipeline: 'default', stages: { paid: 'closedwon', paymentFailed: 'payment_failed', refunded: 'refunded', partiallyRefunded: 'partially_refunded', disputed: 'disputed', newLead: 'appointmentscheduled' } },
    messaging: {
      channel: 'whatsapp_cloud',
      templates: {
        // Razorpay and PayPal captures carry no name; Stripe's and Razorpay's failures no retry link.
        payment_receipt: { name: 'payment_receipt', language: 'en_US', parameters: [{ path: 'customer.name', fallback: 'there' }, 'payment.amount', 'order.id'] },
        payment_failed: { name: 'payment_failed', language: 'en_US', parameters: [{ path: 'customer.name', fallback: 'there' }, { path: 'payment.link', fallback: 'https://shop.example.com/checkout' }] },
        refund_notice: { name: 'refund_notice', language: 'en_US', parameters: ['refund.amount'] },
        lead_welcome: { name: 'lead_welcome', language: 'en_US', parameters: ['lead.name', 'lead.owner'] },
        deal_won: { name: 'deal_won', language: 'en_US', parameters: [{ path: 'customer.name', fallback: 'there' }, 'deal.stage'], text: 'Welcome aboard {{customer.name}}!' },
      },
      notifications: { paymentReceipt: 'payment_receipt', paymentFailed: 'payment_failed', refundNotice: 'refund_notice', leadWelcome: 'lead_welcome' },
      stageNotifications: { won: 'deal_won' },
    },
    consent: { transactional: 'unless_opted_out' },
    team: { notifications: [{ name: 'ops-slack', url: `${sandboxUrl}/slack/services/T000/B000/XXXX`, events: ['payment.succeeded', 'payment.disputed', 'message.failed', 'lead.created'] }] },
    forms: {
      'contact-us': {
        fields: { name: { type: 'string', required: true }, email: { type: 'email' }, phone: { type: 'phone' }, region: { type: 'enum', values: ['EU', 'US', 'IN'] }, source: { type: 'string' }, consent: { type: 'boolean' } },
        mapping: { email: 'email', phone: 'phone', name: 'name', region: 'region', source: 'source', consent: 'consent' },
        routing: 'default-leads',
        rateLimitPerMinute: 1000,
      },
    },
    leadRouting: {
      'default-leads': {
        rules: [
          { id: 'eu', when: { region: ['EU'] }, owners: ['owner-eu-1', 'owner-eu-2'] },
          { id: 'partners', when: { source: ['partner'] }, owners: ['owner-partners'] },
        ],
        default: { owners: ['owner-default'] },
      },
    },
    ...overrides,
  };
}
