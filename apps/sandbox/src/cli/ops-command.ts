import type { SandboxEnv } from '../env';
import { type CliArgs, UsageError } from './cli-args';
import { opsApi } from './ops-api';

type Item = Record<string, unknown>;

const text = (value: unknown) => (value === null || value === undefined || value === '' ? '-' : String(value));

const LISTS = {
  events: {
    path: '/api/events',
    filters: ['provider', 'type', 'status', 'limit'],
    line: (e: Item) => [e.receivedAt, e.id, e.provider, e.type, e.status, `deliveries=${text(e.deliveries)}`, e.lastError ?? ''].map(text).join('  '),
  },
  effects: {
    path: '/api/effects',
    filters: ['status', 'limit'],
    line: (e: Item) => [e.updatedAt, e.id, e.kind, e.status, `${text(e.entityType)}:${text(e.entityKey)}`, e.lastError ?? ''].map(text).join('  '),
  },
  'dead-letters': {
    path: '/api/dead-letters',
    filters: ['queue', 'limit'],
    line: (d: Item) => {
      const error = (d.error ?? {}) as Item;
      return [d.failedAt, d.id, d.queue, error.kind, error.code, error.message].map(text).join('  ');
    },
  },
} as const;

type ListName = keyof typeof LISTS;
const isList = (name: string | undefined): name is ListName => name !== undefined && name in LISTS;

/** `switchyard ops events|effects|dead-letters`: the ops API without hand-built curl or a token in the shell. */
export async function opsCommand(args: CliArgs, io: { env: SandboxEnv; out: (line: string) => void; fetch?: typeof fetch }): Promise<number> {
  const [what, id, ...extra] = args.positionals;
  if (!isList(what)) throw new UsageError(`ops needs one of: ${Object.keys(LISTS).join(', ')}`);
  const list = LISTS[what];
  const refused = Object.keys(args.filters).filter((key) => !(list.filters as readonly string[]).includes(key));
  if (refused.length) throw new UsageError(`ops ${what} takes ${list.filters.map((f) => `--${f}`).join(', ')}; not ${refused.map((f) => `--${f}`).join(', ')}`);
  if (extra.length || (id && what !== 'events')) throw new UsageError(`unexpected argument "${extra[0] ?? id}" for ops ${what}`);
  const api = opsApi(args.ops ?? io.env.OPS_URL, io.env.OPS_TOKEN, io.fetch);
  if (id) {
    io.out(JSON.stringify(await api.get(`/api/events/${encodeURIComponent(id)}`), null, 2));
    return 0;
  }
  const body = await api.get<{ items: Item[]; nextCursor?: string | null }>(list.path, args.filters);
  if (args.json) {
    io.out(JSON.stringify(body, null, 2));
    return 0;
  }
  for (const item of body.items) io.out(list.line(item));
  io.out(`# ${body.items.length} ${what}${body.nextCursor ? ' (more: raise --limit, or --json for the next cursor)' : ''}`);
  return 0;
}
