import { messageStatuses } from '@switchyard/domain';
import { z } from 'zod';
import { parsePasswordHash } from './password-hash-format';
import { placeholderPattern, templatePaths, type TemplatePath } from './template-paths';

const text = z.string().trim().min(1, 'must not be empty');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/** Record keys that end up in URLs, job names and log lines. */
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "_", "-" or "."');
const named = <T extends z.ZodType>(value: T) => z.record(name, value);

// ── outbound: the APIs the workers call, by provider → connection name ─────────────────────
const whatsappApi = z.strictObject({ baseUrl: httpUrl, token: text, phoneNumberId: text, apiVersion: text.default('v21.0'), messagesPerSecond: z.number().int().positive().default(80) });
const twilioApi = z.strictObject({ baseUrl: httpUrl, accountSid: text, authToken: text, from: text });
const hubspotApi = z.strictObject({ baseUrl: httpUrl, token: text, requestsPer10s: z.number().int().positive().default(100) });
const pipedriveApi = z.strictObject({ baseUrl: httpUrl, token: text });
const salesforceApi = z.strictObject({ baseUrl: httpUrl, clientId: text, clientSecret: text, apiVersion: text.default('v60.0') });
const stripeApi = z.strictObject({ baseUrl: httpUrl, apiKey: text });
const razorpayApi = z.strictObject({ baseUrl: httpUrl, keyId: text, keySecret: text });
const paypalApi = z.strictObject({ baseUrl: httpUrl, clientId: text, clientSecret: text });

const outbound = z
  .strictObject({
    whatsapp: named(whatsappApi).optional(),
    twilio: named(twilioApi).optional(),
    hubspot: named(hubspotApi).optional(),
    pipedrive: named(pipedriveApi).optional(),
    salesforce: named(salesforceApi).optional(),
    stripe: named(stripeApi).optional(),
    razorpay: named(razorpayApi).optional(),
    paypal: named(paypalApi).optional(),
  })
  .prefault({});

// ── status mappings: provider vocabulary → ours ─────────────────────────────────────────────
const stageMap = z.record(z.string(), text);
const messageStatusMap = z.record(z.string(), z.enum(messageStatuses));
const statusMappings = z
  .strictObject({
    crmStages: z.strictObject({ hubspot: stageMap.optional(), pipedrive: stageMap.optional(), salesforce: stageMap.optional() }).prefault({}),
    messages: z.strictObject({ twilio: messageStatusMap.optional(), whatsapp: messageStatusMap.optional() }).prefault({}),
  })
  .prefault({});

// ── crm ─────────────────────────────────────────────────────────────────────────────────────
export const crmProviders = ['hubspot', 'pipedrive', 'salesforce'] as const;
const crm = z.strictObject({
  provider: z.enum(crmProviders),
  connection: name.default('default'),
  pipeline: text,
  stages: z.strictObject({ paid: text, paymentFailed: text, refunded: text, partiallyRefunded: text.optional(), disputed: text, newLead: text }),
  dealIdProperty: text.default('switchyard_order_id'),
  contactIdProperty: text.default('phone'),
});

// ── messaging ───────────────────────────────────────────────────────────────────────────────
export const messagingChannels = ['whatsapp_cloud', 'twilio'] as const;
/** The outbound section each channel sends through. */
export const channelProvider = { whatsapp_cloud: 'whatsapp', twilio: 'twilio' } as const satisfies Record<(typeof messagingChannels)[number], keyof z.infer<typeof outbound>>;

const templatePath = z.enum(templatePaths, { error: `must be one of: ${templatePaths.join(', ')}` });
const freeText = text.superRefine((value, ctx) => {
  for (const [, path] of value.matchAll(placeholderPattern))
    if (!(templatePaths as readonly string[]).includes(path ?? '')) ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${path}}} (allowed: ${templatePaths.join(', ')})` });
});
/** A value, or a value with what to say when it is empty (`{ path: customer.name, fallback: "there" }`). */
const templateParameter = z.union([templatePath, z.strictObject({ path: templatePath, fallback: text })], {
  error: `must be one of: ${templatePaths.join(', ')}; or { path: <one of those>, fallback: "<non-empty text>" }`,
});
const template = z
  .strictObject({ name: text, language: text, parameters: z.array(templateParameter).default([]), text: freeText.optional() })
  // Fallbacks are kept by value, so a `{{path}}` in the text falls back the same way as its parameter.
  .transform(({ parameters, ...rest }) => ({
    ...rest,
    parameters: parameters.map((p) => (typeof p === 'string' ? p : p.path)),
    fallbacks: Object.fromEntries(parameters.flatMap((p) => (typeof p === 'string' ? [] : [[p.path, p.fallback] as const]))) as Partial<Record<TemplatePath, string>>,
  }));
const messaging = z.strictObject({
  channel: z.enum(messagingChannels),
  connection: name.default('default'),
  templates: named(template),
  notifications: z.strictObject({ paymentReceipt: name.optional(), paymentFailed: name.optional(), refundNotice: name.optional(), leadWelcome: name.optional() }).prefault({}),
  stageNotifications: z.record(text, name).default({}),
});

// ── consent ─────────────────────────────────────────────────────────────────────────────────
const keywords = (fallback: string[]) => z.array(text).min(1, 'needs at least one keyword').default(fallback);
const consent = z
  .strictObject({
    /** `opted_in`: transactional messages (receipts, failures, refunds) need consent too. */
    transactional: z.enum(['opted_in', 'unless_opted_out']).default('opted_in'),
    optOutKeywords: keywords(['STOP', 'UNSUBSCRIBE']),
    optInKeywords: keywords(['START']),
  })
  .prefault({});

// ── team notifications ──────────────────────────────────────────────────────────────────────
export const teamEvents = ['payment.succeeded', 'payment.failed', 'payment.refunded', 'payment.disputed', 'message.failed', 'lead.created'] as const;
const team = z
  .strictObject({
    notifications: z
      .array(z.strictObject({ name: name, url: httpUrl, format: z.enum(['slack', 'json']).default('slack'), events: z.array(z.enum(teamEvents)).min(1, 'needs at least one event') }))
      .default([]),
  })
  .prefault({});

// ── lead forms and routing ──────────────────────────────────────────────────────────────────
export const formFieldTypes = ['string', 'email', 'phone', 'enum', 'boolean', 'number'] as const;
const formField = z
  .strictObject({
    type: z.enum(formFieldTypes),
    required: z.boolean().default(false),
    maxLength: z.number().int().positive().default(500),
    values: z.array(text).min(1, 'needs at least one value').optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'enum' && !field.values) ctx.addIssue({ code: 'custom', path: ['values'], message: 'required for an enum field' });
    if (field.type !== 'enum' && field.values) ctx.addIssue({ code: 'custom', path: ['values'], message: `only allowed on enum fields (this one is ${field.type})` });
  });
export const leadAttributes = ['email', 'phone', 'name', 'region', 'source', 'consent'] as const;
const form = z.strictObject({
  fields: z.record(name, formField).refine((fields) => Object.keys(fields).length > 0, 'needs at least one field'),
  /** Shared secret: `X-Switchyard-Form-Secret`, or `X-Switchyard-Signature: sha256=<hex HMAC of the raw body>`. */
  secret: text.optional(),
  mapping: z.strictObject(Object.fromEntries(leadAttributes.map((a) => [a, name.optional()])) as Record<(typeof leadAttributes)[number], z.ZodOptional<typeof name>>).prefault({}),
  routing: name,
  rateLimitPerMinute: z.number().int().positive().default(10),
});
const owners = z.array(text).min(1, 'needs at least one owner');
const ruleSet = z.strictObject({
  rules: z.array(z.strictObject({ id: name, when: z.strictObject({ region: z.array(text).optional(), source: z.array(text).optional() }), owners })).default([]),
  default: z.strictObject({ owners }),
});

// ── retention: how long what we store is kept ───────────────────────────────────────────────
const retention = z
  .strictObject({
    /** Provider payloads and request headers (customers' names, emails, phones); the event row stays as the dedup key. */
    payloadDays: z.number().int().positive().default(30),
    /** Outbox entries already handed to the queue, once their event or effect is settled. */
    dispatchedOutboxMinutes: z.number().int().min(0).default(60),
    /** The ops audit trail. */
    auditDays: z.number().int().positive().default(365),
    /** Rows per statement: small enough that a batch never holds locks ingest waits on for long. */
    batchSize: z.number().int().positive().max(10_000).default(1000),
    /** How often a worker replica looks for expired rows. */
    intervalSeconds: z.number().int().positive().default(60),
  })
  .prefault({});

// ── alerts: rules the ops app evaluates, notifying team channels on fire and on resolve ────────
const durationUnits = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** "500ms", "30s", "15m", "2h", "1d" → milliseconds. */
const duration = z
  .string({ error: 'must be a duration like 30s, 15m, 2h' })
  .regex(/^[1-9][0-9]*(ms|s|m|h|d)$/, 'must be a duration like 30s, 15m, 2h')
  .transform((v) => {
    const [, n, unit] = /^([0-9]+)([a-z]+)$/.exec(v) ?? [];
    return Number(n) * durationUnits[unit as keyof typeof durationUnits];
  });
export const alertKinds = ['deadLetters', 'failureRate', 'parkedSends', 'stuckEvents', 'silence'] as const;
const ruleBase = {
  name,
  /** Names of `team.notifications` entries the rule posts to. */
  notify: z.array(name).min(1, 'needs at least one channel (a team.notifications name)'),
};
const alertRule = z.discriminatedUnion(
  'kind',
  [
    /** Dead letters waiting, all queues together, above `above`. */
    z.strictObject({ ...ruleBase, kind: z.literal('deadLetters'), above: z.number().int().min(0) }),
    /**
     * Percentage failed of what finished in the last `window`: effects failed / effects done, failed
     * or skipped (by their last update); or events dead / events received in the window that are
     * finished (processed, ignored, unmapped or dead). Not evaluated below `minFinished`.
     */
    z.strictObject({ ...ruleBase, kind: z.literal('failureRate'), of: z.enum(['effects', 'events']), abovePercent: z.number().min(0).max(100), window: duration, minFinished: z.number().int().positive().default(10) }),
    /** Any intent effect (a message or team post) parked for a person. */
    z.strictObject({ ...ruleBase, kind: z.literal('parkedSends') }),
    /** Events received more than `olderThan` ago and still not finished. */
    z.strictObject({ ...ruleBase, kind: z.literal('stuckEvents'), olderThan: duration, above: z.number().int().min(0).default(0) }),
    /** No event from a provider connection for `for` (counted from the first evaluation when it never had one). */
    z.strictObject({ ...ruleBase, kind: z.literal('silence'), provider: name, connection: name.default('default'), for: duration }),
  ],
  { error: (iss) => (iss.code === 'invalid_union' && iss.note === 'No matching discriminator' ? `must be one of: ${alertKinds.join(', ')}` : undefined) },
);
const alerts = z
  .strictObject({
    /** How often the ops app evaluates the rules (one replica at a time). */
    evaluateEvery: duration.default(30_000),
    rules: z.array(alertRule).default([]),
  })
  .prefault({});
export type AlertRule = z.output<typeof alertRule>;
// ── console: who may sign in to the ops console, and for how long ───────────────────────────
/** viewer reads; operator also retries, resends, resolves, skips and re-drives; admin also exports the audit and erases. */
export const consoleRoles = ['viewer', 'operator', 'admin'] as const;
/** The audit trail's name for OPS_TOKEN: no person may take it. */
const TOKEN_ACTOR = 'token';
const consoleUser = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, 'must be 1 to 64 letters, digits, "_", ".", "@" or "-", starting with a letter or digit')
    .refine((n) => n.toLowerCase() !== TOKEN_ACTOR, `"${TOKEN_ACTOR}" is reserved: the audit trail names OPS_TOKEN so`),
  role: z.enum(consoleRoles),
  passwordHash: z.string().superRefine((value, ctx) => {
    const parsed = parsePasswordHash(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
  }),
  /**
   * Whether this operator may reveal a customer's unmasked email, phone and name (each reveal is
   * audited with a reason). Admins always may; viewers never do, so it is refused on one.
   */
  revealPersonalData: z.boolean({ error: 'must be true or false' }).default(false),
}).superRefine((user, ctx) => {
  if (user.revealPersonalData && user.role === 'viewer') {
    ctx.addIssue({ code: 'custom', path: ['revealPersonalData'], message: 'a viewer never sees personal data: make the user an operator, or remove it' });
  }
});
const consoleSection = z.strictObject({
  users: z
    .array(consoleUser)
    .default([])
    .superRefine(
      (users: unknown[], ctx) => {
        const seen = new Set<string>();
        users.forEach((u, i) => {
          // Checked even when another user is wrong (every problem at once), so read each defensively.
          if (typeof u !== 'object' || u === null || !('name' in u) || typeof u.name !== 'string') return;
          // Names differing only in case would look like one person in the audit trail.
          const key = u.name.toLowerCase();
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate user name "${u.name}"` });
          seen.add(key);
        });
      },
      { when: () => true },
    ),
  /** A session ends this long after sign-in, however active. */
  sessionHours: z.number().positive('must be more than 0').max(24 * 30, 'must be at most 720 (30 days)').default(12),
  /** A session ends after this long without a request. */
  idleMinutes: z.number().int('must be a whole number of minutes').positive('must be more than 0').default(60),
});

const base = z.strictObject({
  version: z.literal(1, { error: (iss) => (iss.input === undefined ? 'required' : 'must be 1') }),
  /** The receiver's webhook connections; it validates them itself. */
  connections: z.unknown().optional(),
  outbound,
  statusMappings,
  crm: crm.optional(),
  messaging: messaging.optional(),
  consent,
  team,
  forms: named(form).default({}),
  leadRouting: named(ruleSet).default({}),
  retention,
  alerts,
  console: consoleSection.optional(),
});

type Base = z.infer<typeof base>;
const issue = (ctx: z.RefinementCtx, path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
const listed = (keys: string[]) => (keys.length ? keys.join(', ') : 'none');

type Loose = Record<string, unknown>;
const isMap = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysOf = (v: unknown): string[] => (isMap(v) ? Object.keys(v) : []);
const entriesOf = (v: unknown): [string, unknown][] => (isMap(v) ? Object.entries(v) : []);
const isIn = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

/**
 * Checks that need more than one section: every name used must be declared somewhere else. They
 * run even when another key is wrong (the README promises every problem at once), so they read the
 * document as it is and skip a check whose own inputs are themselves broken (an unknown CRM
 * provider is reported once, as such, not again as a missing connection).
 */
function crossCheck(doc: Base, ctx: z.RefinementCtx): void {
  const s = doc as unknown as Loose;
  const outboundOf = (provider: string) => (isMap(s.outbound) ? s.outbound[provider] : undefined);
  const crmSection = s.crm;
  if (isMap(crmSection) && isIn(crmProviders, crmSection.provider) && typeof crmSection.connection === 'string') {
    const declared = keysOf(outboundOf(crmSection.provider));
    if (!declared.includes(crmSection.connection)) issue(ctx, ['crm', 'connection'], `no connection "${crmSection.connection}" under outbound.${crmSection.provider} (declared: ${listed(declared)})`);
  }
  const m = s.messaging;
  if (isMap(m)) {
    if (isIn(messagingChannels, m.channel) && typeof m.connection === 'string') {
      const provider = channelProvider[m.channel];
      const declared = keysOf(outboundOf(provider));
      if (!declared.includes(m.connection)) issue(ctx, ['messaging', 'connection'], `no connection "${m.connection}" under outbound.${provider} (declared: ${listed(declared)})`);
    }
    if (isMap(m.templates)) {
      const templates = keysOf(m.templates);
      for (const [key, ref] of entriesOf(m.notifications)) if (typeof ref === 'string' && !templates.includes(ref)) issue(ctx, ['messaging', 'notifications', key], `unknown template "${ref}" (declared: ${listed(templates)})`);
      for (const [stage, ref] of entriesOf(m.stageNotifications)) if (typeof ref === 'string' && !templates.includes(ref)) issue(ctx, ['messaging', 'stageNotifications', stage], `unknown template "${ref}" (declared: ${listed(templates)})`);
    }
  }
  if (isMap(s.leadRouting)) {
    const ruleSets = keysOf(s.leadRouting);
    for (const [formId, f] of entriesOf(s.forms)) {
      if (!isMap(f)) continue;
      if (typeof f.routing === 'string' && !ruleSets.includes(f.routing)) issue(ctx, ['forms', formId, 'routing'], `unknown rule set "${f.routing}" (declared in leadRouting: ${listed(ruleSets)})`);
      if (!isMap(f.fields)) continue;
      const fields = keysOf(f.fields);
      for (const [attribute, field] of entriesOf(f.mapping)) if (typeof field === 'string' && !fields.includes(field)) issue(ctx, ['forms', formId, 'mapping', attribute], `unknown field "${field}" (declared: ${listed(fields)})`);
    }
  }
  for (const [id, set] of entriesOf(s.leadRouting)) {
    const seen = new Set<string>();
    if (!isMap(set) || !Array.isArray(set.rules)) continue;
    set.rules.forEach((rule: unknown, i) => {
      if (!isMap(rule) || typeof rule.id !== 'string') return;
      if (seen.has(rule.id)) issue(ctx, ['leadRouting', id, 'rules', i, 'id'], `duplicate rule id "${rule.id}"`);
      seen.add(rule.id);
    });
  }
  const teamNames = new Set<string>();
  const notifications = isMap(s.team) ? s.team.notifications : undefined;
  if (Array.isArray(notifications))
    notifications.forEach((n: unknown, i) => {
      if (!isMap(n) || typeof n.name !== 'string') return;
      if (teamNames.has(n.name)) issue(ctx, ['team', 'notifications', i, 'name'], `duplicate notification name "${n.name}"`);
      teamNames.add(n.name);
    });
  const rules = isMap(s.alerts) ? s.alerts.rules : undefined;
  const ruleNames = new Set<string>();
  if (Array.isArray(rules))
    rules.forEach((rule: unknown, i) => {
      if (!isMap(rule)) return;
      if (typeof rule.name === 'string') {
        if (ruleNames.has(rule.name)) issue(ctx, ['alerts', 'rules', i, 'name'], `duplicate rule name "${rule.name}"`);
        ruleNames.add(rule.name);
      }
      if (Array.isArray(rule.notify))
        rule.notify.forEach((channel: unknown, j) => {
          if (typeof channel === 'string' && !teamNames.has(channel)) issue(ctx, ['alerts', 'rules', i, 'notify', j], `unknown channel "${channel}" (declared in team.notifications: ${listed([...teamNames])})`);
        });
    });
}

/** The business configuration file: outbound APIs, CRM, messaging, consent, team alerts, lead forms and routing. */
export const settingsSchema = base.superRefine(crossCheck, { when: () => true });

export type Settings = z.output<typeof settingsSchema>;
/** What the file may contain (defaults not yet applied). */
export type SettingsInput = z.input<typeof settingsSchema>;
export type ConsoleRole = (typeof consoleRoles)[number];
export type ConsoleSettings = NonNullable<Settings['console']>;
export type ConsoleUser = ConsoleSettings['users'][number];
