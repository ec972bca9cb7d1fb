import { parseArgs } from 'node:util';
import { WEBHOOK_PROVIDERS } from '../webhooks/types';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: pnpm switchyard <command> [options]

Commands:
  trigger <provider> <event|sequence>
      Sign and deliver webhooks exactly as <provider> does, retrying on its schedule, then show what
      happened downstream (events stored, effects done / failed / parked), read from the ops API.
      --count N           N different events (default 1)
      --duplicate K       deliver every event K more times (--duplicate 1 sends each twice)
      --shuffle           deliver the provider's related sequence, in random order
      --delay MS          real milliseconds between first attempts
      --seed N            reproducible event ids, customers and order
      --time-scale X      divide the provider's retry schedule by X (default 3600: an hour becomes a second)
      --max-attempts N    stop retrying after N attempts (first one included)
      --timeout MS        per-attempt timeout (default 10000)
      --connection NAME   sign for this configured connection (default "default")
      --source NAME       Standard Webhooks source to sign for (default "acme")
  scenario <name|file>
      Run a scripted story against the receiver and the sandbox (happy-checkout, crm-outage,
      duplicate-storm, or a YAML file), faults included, then show what happened downstream.
  events [provider]
      List the events each provider can send.
  ops events [--provider P] [--type T] [--status S] [--limit N]
      Stored events, newest first.
  ops events <id>
      One stored event (payload redacted) with the effects it caused.
  ops effects [--status S] [--limit N]
      Effects in one status: parked (default), failed, done, pending, sending, skipped.
  ops dead-letters [--queue Q] [--limit N]
      Jobs that failed for good, newest first.
  erasure (--email ADDRESS | --phone NUMBER) --reason TEXT
      Remove or mask that person's data everywhere Switchyard stores it (POST /api/erasure,
      audited); prints what changed. A second call changes nothing.
  help
      This text.

Options for every command:
  --to URL        receiver (default SANDBOX_RECEIVER_URL, which follows RECEIVER_PORT)
  --sandbox URL   sandbox control API (default SANDBOX_URL, which follows SANDBOX_PORT)
  --ops URL       ops API (default OPS_URL, which follows OPS_PORT), authenticated with OPS_TOKEN
  --wait MS       how long trigger and scenario wait for the fleet to finish (default 15000; 0 skips
                  the downstream report, which is also skipped with --to unless --ops is given)
  --json          ops commands print the API's JSON as is

Providers: ${WEBHOOK_PROVIDERS.join(' ')}
Settings: the shell's environment, then .env, then .env.example. Exit code 0 when everything was
delivered, 1 when something was not (or the receiver / ops API was unreachable), 2 on a usage error.`;

const OPTIONS = {
  to: { type: 'string' },
  sandbox: { type: 'string' },
  count: { type: 'string' },
  duplicate: { type: 'string' },
  shuffle: { type: 'boolean' },
  delay: { type: 'string' },
  seed: { type: 'string' },
  'time-scale': { type: 'string' },
  'max-attempts': { type: 'string' },
  connection: { type: 'string' },
  source: { type: 'string' },
  timeout: { type: 'string' },
  ops: { type: 'string' },
  wait: { type: 'string' },
  json: { type: 'boolean' },
  provider: { type: 'string' },
  type: { type: 'string' },
  status: { type: 'string' },
  queue: { type: 'string' },
  limit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliArgs {
  command: string | undefined;
  positionals: string[];
  to?: string;
  sandbox?: string;
  count?: number;
  duplicate?: number;
  shuffle: boolean;
  delay?: number;
  seed?: number;
  timeScale?: number;
  maxAttempts?: number;
  connection?: string;
  source?: string;
  timeout?: number;
  ops?: string;
  wait?: number;
  json: boolean;
  /** Filters of the ops commands, passed to the ops API as they are. */
  filters: Record<string, string>;
  help: boolean;
}

function number(name: string, value: string | undefined, { min = 0, integer = true } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || (integer && !Number.isInteger(parsed))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got "${value}")`);
  }
  return parsed;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const opt = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  const filters = Object.fromEntries((['provider', 'type', 'status', 'queue'] as const).flatMap((key) => (values[key] === undefined ? [] : [[key, values[key]]])));
  const limit = number('limit', values.limit, { min: 1 });
  return {
    command,
    positionals: rest,
    shuffle: values.shuffle ?? false,
    json: values.json ?? false,
    filters: limit === undefined ? filters : { ...filters, limit: String(limit) },
    help: values.help ?? false,
    ...opt('to', values.to),
    ...opt('sandbox', values.sandbox),
    ...opt('count', number('count', values.count, { min: 1 })),
    ...opt('duplicate', number('duplicate', values.duplicate)),
    ...opt('delay', number('delay', values.delay)),
    ...opt('seed', number('seed', values.seed, { min: -(2 ** 31) })),
    ...opt('timeScale', number('time-scale', values['time-scale'], { min: Number.MIN_VALUE, integer: false })),
    ...opt('maxAttempts', number('max-attempts', values['max-attempts'], { min: 1 })),
    ...opt('connection', values.connection),
    ...opt('source', values.source),
    ...opt('timeout', number('timeout', values.timeout, { min: 1 })),
    ...opt('ops', values.ops),
    ...opt('wait', number('wait', values.wait)),
  };
}
