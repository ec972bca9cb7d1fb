import { parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  switchyard trigger <provider> <event|sequence> [--to URL] [--count N] [--duplicate K] [--shuffle]
                     [--delay MS] [--seed N] [--time-scale X] [--max-attempts N] [--connection NAME]
                     [--source NAME] [--sandbox URL] [--timeout MS]
  switchyard scenario <file|name> [--to URL] [--sandbox URL] [--time-scale X]
  switchyard events [provider]

Providers: stripe razorpay paypal hubspot salesforce pipedrive whatsapp twilio standard
Retries follow the provider's schedule divided by --time-scale (default 3600: an hour becomes a second).`;

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
  return {
    command,
    positionals: rest,
    shuffle: values.shuffle ?? false,
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
  };
}
