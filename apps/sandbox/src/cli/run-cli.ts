import type { SandboxEnv } from '../env';
import { loadScenario, runScenario } from '../scenarios/run-scenario';
import { resolveScenarioFile } from '../scenarios/scenario-files';
import { isWebhookProvider, secretsFromEnv } from '../webhooks/build-webhook';
import { WEBHOOKS } from '../webhooks/registry';
import type { DeliveryAttempt, DeliveryResult } from '../webhooks/send-webhook';
import { trigger } from '../webhooks/trigger';
import { WEBHOOK_PROVIDERS } from '../webhooks/types';
import { parseCliArgs, USAGE, UsageError, type CliArgs } from './cli-args';
import { reportDownstream } from './downstream';
import { opsApi } from './ops-api';
import { opsCommand } from './ops-command';
import { unreachableReason } from './reachable';
import { erasureCommand } from './erasure-command';

export interface CliIo {
  env: SandboxEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  fetch?: typeof fetch;
}

const DEFAULT_TIME_SCALE = 3600;
const DEFAULT_WAIT_MS = 15_000;

/** One line per delivery attempt: provider, event id, status (or network error). */
export function formatAttempt(a: DeliveryAttempt): string {
  const outcome = a.status ?? `ERR(${a.error ?? 'network'})`;
  const retry = a.retryInMs !== undefined ? `  retry in ${a.retryInMs}ms` : '';
  return `${a.provider.padEnd(10)} ${a.eventId}  ${outcome}  ${a.event}  attempt ${a.attempt}${retry}`;
}

function summary(results: DeliveryResult[]): string {
  const delivered = results.filter((r) => r.delivered).length;
  return `# ${delivered}/${results.length} deliveries accepted`;
}

/** Fails at once, naming the URL, when nothing listens there (instead of retrying for minutes). */
async function requireListening(what: string, url: string, hint: string): Promise<void> {
  const reason = await unreachableReason(url);
  if (reason) throw new Error(`${what} unreachable at ${url} (${reason}); ${hint}`);
}

/**
 * What the fleet made of the deliveries, from the ops API. Skipped with --wait 0, and when --to
 * names some other receiver unless --ops says where its ops API is.
 */
async function downstream(args: CliArgs, io: CliIo, results: DeliveryResult[]): Promise<void> {
  const waitMs = args.wait ?? DEFAULT_WAIT_MS;
  if (waitMs === 0 || (args.to !== undefined && args.ops === undefined)) return;
  try {
    await reportDownstream(results, opsApi(args.ops ?? io.env.OPS_URL, io.env.OPS_TOKEN, io.fetch), waitMs, io.out);
  } catch (error) {
    io.out(`# downstream not shown: ${(error as Error).message}`);
  }
}

const RECEIVER_HINT = 'start the fleet (bash scripts/start.sh), or pass --to URL (or set RECEIVER_PORT / SANDBOX_RECEIVER_URL in .env)';

function commonOptions(args: CliArgs, io: CliIo) {
  const env = io.env;
  return {
    to: args.to ?? env.SANDBOX_RECEIVER_URL,
    secrets: secretsFromEnv(env),
    sandboxUrl: args.sandbox ?? env.SANDBOX_URL,
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    ...(env.SANDBOX_PAYPAL_KEY_DIR ? { paypalKeyDir: env.SANDBOX_PAYPAL_KEY_DIR } : {}),
    ...(args.maxAttempts !== undefined ? { maxAttempts: args.maxAttempts } : {}),
    ...(args.timeout !== undefined ? { timeoutMs: args.timeout } : {}),
    ...(io.fetch ? { fetch: io.fetch } : {}),
    onAttempt: (attempt: DeliveryAttempt) => io.out(formatAttempt(attempt)),
  };
}

async function triggerCommand(args: CliArgs, io: CliIo): Promise<number> {
  const [provider, event] = args.positionals;
  if (!provider || !event) throw new UsageError('trigger needs <provider> <event>');
  if (!isWebhookProvider(provider)) throw new UsageError(`unknown provider "${provider}"; one of ${WEBHOOK_PROVIDERS.join(', ')}`);
  await requireListening('receiver', args.to ?? io.env.SANDBOX_RECEIVER_URL, RECEIVER_HINT);
  const results = await trigger(
    {
      provider,
      event,
      shuffle: args.shuffle,
      ...(args.count !== undefined ? { count: args.count } : {}),
      ...(args.duplicate !== undefined ? { duplicate: args.duplicate } : {}),
      ...(args.delay !== undefined ? { delayMs: args.delay } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.connection ? { connection: args.connection } : {}),
      ...(args.source ? { source: args.source } : {}),
    },
    { ...commonOptions(args, io), timeScale: args.timeScale ?? DEFAULT_TIME_SCALE },
  );
  io.out(summary(results));
  await downstream(args, io, results);
  return results.every((r) => r.delivered) ? 0 : 1;
}

async function scenarioCommand(args: CliArgs, io: CliIo): Promise<number> {
  const [name] = args.positionals;
  if (!name) throw new UsageError('scenario needs <file>');
  const file = resolveScenarioFile(name, io.env.INIT_CWD);
  if (!file) throw new UsageError(`scenario file not found: ${name}`);
  const scenario = loadScenario(file);
  await requireListening('receiver', args.to ?? io.env.SANDBOX_RECEIVER_URL, RECEIVER_HINT);
  await requireListening('sandbox', args.sandbox ?? io.env.SANDBOX_URL, 'start the fleet (bash scripts/start.sh), or pass --sandbox URL');
  io.out(`# scenario ${scenario.name}: ${scenario.steps.length} steps, time scale ${args.timeScale ?? scenario.timeScale}`);
  const report = await runScenario(scenario, {
    ...commonOptions(args, io),
    ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}),
    out: io.out,
  });
  io.out(summary(report.deliveries));
  await downstream(args, io, report.deliveries);
  return report.deliveries.every((r) => r.delivered) ? 0 : 1;
}

function eventsCommand(args: CliArgs, io: CliIo): number {
  const [only] = args.positionals;
  if (only && !isWebhookProvider(only)) throw new UsageError(`unknown provider "${only}"`);
  for (const provider of only ? [only] : WEBHOOK_PROVIDERS) {
    const webhooks = WEBHOOKS[provider as keyof typeof WEBHOOKS];
    io.out(`${provider}: ${webhooks.events.join(', ')}, sequence (${webhooks.sequence.join(' → ')})`);
  }
  return 0;
}

/** The `pnpm switchyard` command; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv[0] === 'erasure') return await erasureCommand(argv.slice(1), io);
    const args = parseCliArgs(argv);
    if (args.help || !args.command || args.command === 'help') {
      io.out(USAGE);
      return args.command || args.help ? 0 : 2;
    }
    switch (args.command) {
      case 'trigger':
        return await triggerCommand(args, io);
      case 'scenario':
        return await scenarioCommand(args, io);
      case 'events':
        return eventsCommand(args, io);
      case 'ops':
        return await opsCommand(args, io);
      default:
        throw new UsageError(`unknown command "${args.command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
