import { sleep } from '../support/clock';
import type { DeliveryResult } from '../webhooks/send-webhook';
import type { OpsApi } from './ops-api';

interface StoredEvent {
  id: string;
  provider: string;
  providerEventId: string;
  type: string;
  status: string;
  deliveries: number;
}
interface EventEffect {
  kind: string;
  status: string;
}
interface Stored {
  event: StoredEvent;
  effects: EventEffect[];
}

const FINISHED_EVENT = new Set(['processed', 'ignored', 'dead']);
const UNFINISHED_EFFECT = new Set(['pending', 'sending']);
const POLL_MS = 500;
const EVENT_LINES = 10;

async function readStored(api: OpsApi, providerEventIds: string[]): Promise<{ found: Stored[]; missing: string[] }> {
  const found: Stored[] = [];
  const missing: string[] = [];
  for (const providerEventId of providerEventIds) {
    const list = await api.get<{ items: StoredEvent[] }>('/api/events', { providerEventId, limit: '10' });
    if (list.items.length === 0) missing.push(providerEventId);
    for (const event of list.items) {
      const detail = await api.get<{ effects?: EventEffect[] }>(`/api/events/${encodeURIComponent(event.id)}`);
      found.push({ event, effects: detail.effects ?? [] });
    }
  }
  return { found, missing };
}

function settled({ found, missing }: { found: Stored[]; missing: string[] }): boolean {
  return missing.length === 0 && found.every((s) => FINISHED_EVENT.has(s.event.status) && !s.effects.some((e) => UNFINISHED_EFFECT.has(e.status)));
}

function tally(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n} ${value}`).join(', ');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * After a trigger or scenario: waits (up to `waitMs`) for the fleet to finish what was delivered,
 * then prints what happened to it, read from the ops API: events stored, effects done / failed / parked.
 */
export async function reportDownstream(results: DeliveryResult[], api: OpsApi, waitMs: number, out: (line: string) => void): Promise<void> {
  const delivered = results.filter((r) => r.delivered);
  const ids = [...new Set(delivered.map((r) => r.request.eventId))];
  if (ids.length === 0) return;
  const deadline = Date.now() + waitMs;
  let view = await readStored(api, ids);
  while (!settled(view) && Date.now() < deadline) {
    await sleep(POLL_MS);
    view = await readStored(api, ids);
  }
  const { found, missing } = view;
  const effects = found.flatMap((s) => s.effects);
  out(`# downstream (ops API ${api.url}): ${plural(delivered.length, 'delivery', 'deliveries')} stored as ${plural(found.length, 'event')}${found.length ? ` (${tally(found.map((s) => s.event.status))})` : ''}`);
  out(`#   effects: ${effects.length ? tally(effects.map((e) => e.status)) : 'none'}`);
  if (found.length <= EVENT_LINES) {
    for (const { event, effects: own } of found) {
      out(`#   ${event.provider} ${event.providerEventId} ${event.type} → ${event.status}${own.length ? `; ${own.map((e) => `${e.kind} ${e.status}`).join(', ')}` : ''}  (pnpm switchyard ops events ${event.id})`);
    }
  }
  if (missing.length) out(`#   not found in the event store: ${missing.join(', ')}`);
  if (!settled(view)) out(`#   still running after ${waitMs} ms; follow it with: pnpm switchyard ops events`);
  if (effects.some((e) => e.status === 'parked')) out('#   parked effects need a person: pnpm switchyard ops effects --status parked');
  if (effects.some((e) => e.status === 'failed')) out('#   failed effects: pnpm switchyard ops effects --status failed, and pnpm switchyard ops dead-letters');
}
