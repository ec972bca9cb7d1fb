import type { Fleet } from './fleet';

export interface EffectRecord {
  id: string;
  kind: string;
  business_key: string;
  status: string;
  event_id: string | null;
  entity_type: string;
  entity_key: string;
  provider_ref: string | null;
  request: Record<string, unknown>;
  response: Record<string, unknown> | null;
  last_error: string | null;
}

export interface HubspotObject {
  id: string;
  properties: Record<string, string | null>;
}

export interface HubspotState {
  contacts: HubspotObject[];
  deals: HubspotObject[];
  notes: HubspotObject[];
}

export interface SentMessage {
  to: string;
  type: string;
  template?: string;
  text?: string;
}

/** Effects in the ledger, oldest first, optionally narrowed by a SQL condition on `effects`. */
export async function effectsWhere(fleet: Fleet, condition = 'true', ...params: unknown[]): Promise<EffectRecord[]> {
  return fleet.db.$queryRawUnsafe<EffectRecord[]>(
    `SELECT id, kind, business_key, status::text AS status, event_id::text AS event_id, entity_type, entity_key, provider_ref, request, response, last_error
       FROM effects WHERE ${condition} ORDER BY created_at, kind, business_key`,
    ...params,
  );
}

/** Every effect names the stored inbound event that caused it and the entity it is about. */
export async function expectCausedBy(fleet: Fleet, effects: EffectRecord[], entity: { type: string; key: string }, eventTypes: string[]): Promise<void> {
  expect(effects.length).toBeGreaterThan(0);
  for (const e of effects) expect(e).toMatchObject({ event_id: expect.any(String), entity_type: entity.type, entity_key: entity.key });
  const ids = [...new Set(effects.map((e) => e.event_id))];
  const events = await fleet.db.$queryRawUnsafe<{ canonical_type: string }[]>(`SELECT canonical_type FROM inbound_events WHERE id = ANY($1::uuid[])`, ids);
  expect(events).toHaveLength(ids.length);
  for (const e of events) expect(eventTypes).toContain(e.canonical_type);
}

/** What the workers sent to WhatsApp (to one number when given), oldest first. */
export async function whatsappSends(fleet: Fleet, to?: string): Promise<SentMessage[]> {
  const requests = await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' });
  return requests
    .filter((r) => r.method === 'POST' && r.status < 300)
    .map((r) => r.body as { to: string; type: string; template?: { name: string }; text?: { body: string } })
    .filter((b) => !to || b.to === to)
    .map((b) => ({ to: b.to, type: b.type, ...(b.template ? { template: b.template.name } : {}), ...(b.text ? { text: b.text.body } : {}) }));
}

/** Successful writes the workers made to HubSpot, as `METHOD path` with their bodies. */
export async function hubspotWrites(fleet: Fleet): Promise<{ path: string; body: unknown }[]> {
  const requests = await fleet.sandboxRequests({ provider: 'hubspot' });
  return requests.filter((r) => r.method !== 'GET' && r.status < 300).map((r) => ({ path: r.path, body: r.body }));
}

export async function hubspotState(fleet: Fleet): Promise<HubspotState> {
  return ((await fleet.sandboxState()) as unknown as { hubspot: HubspotState }).hubspot;
}

/** Posts to the team channel (Slack-compatible incoming webhook in the sandbox). */
export async function teamPosts(fleet: Fleet): Promise<string[]> {
  return (await fleet.sandboxRequests({ pathIncludes: '/slack/' })).filter((r) => r.status < 300).map((r) => (r.body as { text: string }).text);
}

/** Submits a lead form to the receiver as a website backend would (JSON). */
export async function submitForm(fleet: Fleet, formId: string, values: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fleet.receiverUrl}/forms/${encodeURIComponent(formId)}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(values) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** The same elements in a fixed, seeded order other than the original (a repeatable shuffle). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    const j = s % (i + 1);
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i and j are both indexes of out (0 <= j <= i < out.length)
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How many CRM calls the sandbox's injected outage refused (503), so a test can show it happened. */
export async function refusedByOutage(fleet: Fleet, provider = 'hubspot'): Promise<number> {
  return (await fleet.sandboxRequests({ provider })).filter((r) => r.status === 503).length;
}
