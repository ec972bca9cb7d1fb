import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@switchyard/config';
import { defaultSettings, loadSettings, parseSettings, SettingsError } from './index';

const root = path.join(__dirname, '../../..');
const exampleFile = path.join(root, 'switchyard.example.yaml');

/** `.env.example` as the quick start sources it. */
function envExample(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path.join(root, '.env.example'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    // Quoted values lose their quotes, as scripts/lib.sh's load_env reads them (a hash holds `$`).
    if (m?.[1]) out[m[1]] = (m[2] ?? '').replace(/^'(.*)'$|^"(.*)"$/, '$1$2');
  }
  return out;
}

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'sy-settings-')), 'switchyard.yaml');
  writeFileSync(f, text);
  return f;
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof SettingsError) return err.issues;
    throw err;
  }
  throw new Error('expected a SettingsError');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case edits the parsed YAML freely, including into invalid shapes
type Doc = Record<string, any>;

/** The example document with one change applied, validated with the example's environment. */
function exampleWith(change: (doc: Doc) => void): string[] {
  const doc = parseYaml(readFileSync(exampleFile, 'utf8'));
  change(doc);
  return issuesOf(() => parseSettings(doc, envExample()));
}

describe('loadSettings', () => {
  it('loads the example file with the .env.example values', () => {
    const s = loadSettings(exampleFile, envExample());
    expect(s.version).toBe(1);
    expect(s.outbound.whatsapp?.default).toEqual({ baseUrl: 'http://127.0.0.1:4010', token: 'sandbox-token', phoneNumberId: '100000000000001', apiVersion: 'v21.0', messagesPerSecond: 80 });
    expect(s.crm).toMatchObject({ provider: 'hubspot', connection: 'default', dealIdProperty: 'switchyard_order_id', contactIdProperty: 'phone' });
    expect(s.messaging?.stageNotifications).toEqual({ won: 'deal_won' });
    expect(Object.keys(s.messaging?.templates ?? {}).sort()).toEqual(['deal_won', 'lead_welcome', 'payment_failed', 'payment_receipt', 'refund_notice']);
    expect(s.statusMappings.crmStages.hubspot).toEqual({ closedwon: 'won', closedlost: 'lost', appointmentscheduled: 'appointment' });
    expect(s.consent).toEqual({ transactional: 'unless_opted_out', optOutKeywords: ['STOP', 'UNSUBSCRIBE'], optInKeywords: ['START'] });
    expect(s.team.notifications).toEqual([{ name: 'ops-slack', url: 'http://127.0.0.1:4010/slack/services/T000/B000/XXXX', format: 'slack', events: ['payment.succeeded', 'payment.disputed', 'message.failed', 'lead.created'] }]);
    expect(s.forms['contact-us']).toMatchObject({ routing: 'default-leads', rateLimitPerMinute: 10, fields: { region: { type: 'enum', values: ['EU', 'US', 'IN'], required: false, maxLength: 500 }, name: { required: true } } });
    expect(s.leadRouting['default-leads']?.rules.map((r) => r.owners.length)).toEqual([2, 1]);
    expect(s.alerts.evaluateEvery).toBe(30_000);
    expect(s.alerts.rules.map((r) => [r.name, r.kind])).toEqual([['dead-letters', 'deadLetters'], ['effect-failures', 'failureRate'], ['parked-sends', 'parkedSends'], ['stuck-events', 'stuckEvents'], ['stripe-silent', 'silence']]);
    expect(s.alerts.rules[1]).toEqual({ name: 'effect-failures', kind: 'failureRate', of: 'effects', abovePercent: 5, window: 15 * 60_000, minFinished: 20, notify: ['ops-slack'] });
    expect(s.alerts.rules[4]).toEqual({ name: 'stripe-silent', kind: 'silence', provider: 'stripe', connection: 'default', for: 2 * 3_600_000, notify: ['ops-slack'] });
    // The receiver's section is passed through untouched (interpolated) for it to validate.
    expect(s.connections).toMatchObject({ stripe: { default: { webhookSecret: 'whsec_sandboxStripeSecret0000000000000000' } } });
  });

  it('is a ConfigError, so start-up handles it like any bad configuration', () => {
    const err = (() => {
      try {
        loadSettings(file('version: 2\n'), {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^invalid settings in .*switchyard\.yaml:\n {2}version: must be 1/);
  });

  it('names an unreadable file and a YAML syntax error', () => {
    expect(issuesOf(() => loadSettings('/nonexistent/switchyard.yaml', {}))[0]).toMatch(/^\(file\): cannot be read/);
    expect(issuesOf(() => loadSettings(file('version: 1\nforms: [a\n'), {}))[0]).toMatch(/^\(yaml\): /);
  });

  it('names every key whose ${VAR} is unset, without validating further', () => {
    const issues = issuesOf(() => loadSettings(exampleFile, { ...envExample(), WHATSAPP_TOKEN: undefined, HUBSPOT_TOKEN: '' }));
    expect(issues).toEqual(['outbound.whatsapp.default.token: environment variable WHATSAPP_TOKEN is not set', 'outbound.hubspot.default.token: environment variable HUBSPOT_TOKEN is not set']);
  });
});

describe('parseSettings refuses a broken file, naming the key', () => {
  it.each<[string, (doc: Doc) => void, string]>([
    ['a missing required key', (d) => delete d.messaging.templates.payment_receipt.language, 'messaging.templates.payment_receipt.language: required'],
    ['a wrong enum', (d) => (d.crm.provider = 'zoho'), 'crm.provider: must be one of: hubspot, pipedrive, salesforce (got "zoho")'],
    ['an unknown template in stageNotifications', (d) => (d.messaging.stageNotifications.lost = 'deal_lost'), 'messaging.stageNotifications.lost: unknown template "deal_lost" (declared: payment_receipt, payment_failed, refund_notice, lead_welcome, deal_won)'],
    ['an unknown template in notifications', (d) => (d.messaging.notifications.paymentReceipt = 'receipt'), 'messaging.notifications.paymentReceipt: unknown template "receipt"'],
    ['routing to an unknown rule set', (d) => (d.forms['contact-us'].routing = 'vip-leads'), 'forms.contact-us.routing: unknown rule set "vip-leads" (declared in leadRouting: default-leads)'],
    ['an enum field without values', (d) => delete d.forms['contact-us'].fields.region.values, 'forms.contact-us.fields.region.values: required for an enum field'],
    ['values on a non-enum field', (d) => (d.forms['contact-us'].fields.source.values = ['web']), 'forms.contact-us.fields.source.values: only allowed on enum fields (this one is string)'],
    ['a bad URL', (d) => (d.outbound.hubspot.default.baseUrl = 'not a url'), 'outbound.hubspot.default.baseUrl: must be an http(s) URL'],
    ['a non-http URL', (d) => (d.team.notifications[0].url = 'ftp://example.com/x'), 'team.notifications.0.url: must be an http(s) URL'],
    ['a CRM connection not declared under outbound', (d) => (d.crm.connection = 'eu'), 'crm.connection: no connection "eu" under outbound.hubspot (declared: default)'],
    ['a messaging connection not declared for its channel', (d) => (d.messaging.channel = 'twilio', delete d.outbound.twilio), 'messaging.connection: no connection "default" under outbound.twilio (declared: none)'],
    ['a template parameter not in the allowed list', (d) => (d.messaging.templates.deal_won.parameters = ['customer.name', 'deal.amount']), 'messaging.templates.deal_won.parameters.1: must be one of: customer.name,'],
    ['an unknown placeholder in a template text', (d) => (d.messaging.templates.payment_receipt.text = 'Hi {{customer.nmae}}'), 'messaging.templates.payment_receipt.text: unknown placeholder {{customer.nmae}}'],
    ['a mapping to an undeclared field', (d) => (d.forms['contact-us'].mapping.email = 'mail'), 'forms.contact-us.mapping.email: unknown field "mail" (declared: name, email, phone, region, source, consent)'],
    ['a misspelt key', (d) => (d.crm.pipline = 'x'), 'crm.pipline: unknown key'],
    ['a rule set without default owners', (d) => (d.leadRouting['default-leads'].default.owners = []), 'leadRouting.default-leads.default.owners: needs at least one owner'],
    ['a wrong type', (d) => (d.forms['contact-us'].rateLimitPerMinute = 'ten'), 'forms.contact-us.rateLimitPerMinute: must be a number, got string'],
    ['a wrong team event', (d) => (d.team.notifications[0].events = ['payment.won']), 'team.notifications.0.events.0: must be one of: payment.succeeded,'],
    ['a wrong version', (d) => (d.version = 2), 'version: must be 1'],
    ['an unknown alert kind', (d) => (d.alerts.rules[0].kind = 'deadLetterz'), 'alerts.rules.0.kind: must be one of: deadLetters, failureRate, parkedSends, stuckEvents, silence'],
    ['an alert to an undeclared channel', (d) => (d.alerts.rules[1].notify = ['ops-slack', 'pager']), 'alerts.rules.1.notify.1: unknown channel "pager" (declared in team.notifications: ops-slack)'],
    ['an alert without a channel', (d) => (d.alerts.rules[2].notify = []), 'alerts.rules.2.notify: needs at least one channel'],
    ['a duration without a unit', (d) => (d.alerts.rules[3].olderThan = 600), 'alerts.rules.3.olderThan: must be a duration like 30s, 15m, 2h'],
    ['a duration in words', (d) => (d.alerts.rules[4].for = '2 hours'), 'alerts.rules.4.for: must be a duration like 30s, 15m, 2h'],
    ['a failure rate over 100 %', (d) => (d.alerts.rules[1].abovePercent = 150), 'alerts.rules.1.abovePercent: '],
    ['a failure rate of neither effects nor events', (d) => (d.alerts.rules[1].of = 'jobs'), 'alerts.rules.1.of: must be one of: effects, events (got "jobs")'],
    ['a key of another alert kind', (d) => (d.alerts.rules[2].above = 1), 'alerts.rules.2.above: unknown key'],
    ['a duplicate rule name', (d) => (d.alerts.rules[2].name = 'dead-letters'), 'alerts.rules.2.name: duplicate rule name "dead-letters"'],
    ['a silence rule without a provider', (d) => delete d.alerts.rules[4].provider, 'alerts.rules.4.provider: required'],
  ])('%s', (_, change, expected) => {
    const issues = exampleWith(change);
    expect(issues).toEqual([expect.stringContaining(expected)]);
    const [path] = expected.split(':');
    expect(issues[0]?.startsWith(`${path}:`)).toBe(true);
  });

  it('lists every problem of a section at once', () => {
    const issues = issuesOf(() => parseSettings({ version: 1, crm: { provider: 'hubspot' }, team: { notifications: [{ name: 'x', url: 'nope', events: [] }] } }, {}));
    expect(issues).toEqual(
      expect.arrayContaining([
        'crm.pipeline: required',
        'crm.stages: required',
        'team.notifications.0.url: must be an http(s) URL',
        'team.notifications.0.events: needs at least one event',
      ]),
    );
  });

  it('reports a missing key and a dangling template name together', () => {
    const issues = exampleWith((d) => {
      delete d.messaging.templates.payment_receipt.language;
      d.messaging.notifications.paymentReceipt = 'receipt';
      d.crm.connection = 'eu';
    });
    expect(issues.sort()).toEqual([
      'crm.connection: no connection "eu" under outbound.hubspot (declared: default)',
      'messaging.notifications.paymentReceipt: unknown template "receipt" (declared: payment_receipt, payment_failed, refund_notice, lead_welcome, deal_won)',
      'messaging.templates.payment_receipt.language: required',
    ]);
  });

  it('takes a parameter with a fallback, kept by value for the text too, and names a bad one', () => {
    const doc = parseYaml(readFileSync(exampleFile, 'utf8'));
    doc.messaging.templates.payment_receipt.parameters = [{ path: 'customer.name', fallback: 'there' }, 'payment.amount', 'order.id'];
    expect(parseSettings(doc, envExample()).messaging?.templates.payment_receipt).toMatchObject({ parameters: ['customer.name', 'payment.amount', 'order.id'], fallbacks: { 'customer.name': 'there' } });
    expect(exampleWith((d) => (d.messaging.templates.payment_receipt.parameters = [{ path: 'customer.name', fallback: '' }]))).toEqual(['messaging.templates.payment_receipt.parameters.0.fallback: must not be empty']);
  });

  it('leaves the receiver\'s connections to the receiver', () => {
    expect(parseSettings({ version: 1, connections: { nosuchpay: { x: 42 } } }, {}).connections).toEqual({ nosuchpay: { x: 42 } });
  });
});

describe('defaultSettings', () => {
  it('has every optional section empty', () => {
    expect(defaultSettings()).toEqual({
      version: 1,
      outbound: {},
      statusMappings: { crmStages: {}, messages: {} },
      consent: { transactional: 'opted_in', optOutKeywords: ['STOP', 'UNSUBSCRIBE'], optInKeywords: ['START'] },
      team: { notifications: [] },
      forms: {},
      leadRouting: {},
      retention: { payloadDays: 30, dispatchedOutboxMinutes: 60, auditDays: 365, batchSize: 1000, intervalSeconds: 60 },
      alerts: { evaluateEvery: 30_000, rules: [] },
    });
  });

  it('refuses a retention period that is not a positive whole number, naming the key', () => {
    expect(issuesOf(() => loadSettings(file('version: 1\nretention: { payloadDays: 0, auditDays: 1.5 }\n'), {}))).toEqual([
      expect.stringMatching(/^retention\.payloadDays: /),
      expect.stringMatching(/^retention\.auditDays: /),
    ]);
  });

  it('is what an empty file gives, apart from the required version', () => {
    expect(issuesOf(() => loadSettings(file(''), {}))).toEqual(['version: required']);
    expect(loadSettings(file('version: 1\n'), {})).toEqual(defaultSettings());
  });
});
