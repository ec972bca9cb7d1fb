import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type { QueueName } from '@switchyard/queues';
import { testSettingsDoc } from './test-settings';

const repoRoot = path.resolve(__dirname, '../../../..');
// `tsx <file>` runs the program in a grandchild and only relays signals to it: a SIGKILL would
// orphan the worker. Node with tsx's loader is the worker process itself, so kill means kill.
const tsxLoader = pathToFileURL(require.resolve('tsx', { paths: [repoRoot] })).href;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildWorkerOptions {
  /** A worker app, or the receiver (its HTTP port is `port`, serving webhooks, /readyz and /metrics). */
  app: QueueName | 'receiver';
  databaseUrl: string;
  prefix: string;
  /** The YAML settings file (SWITCHYARD_CONFIG); see `writeSettingsFile`. */
  settingsFile: string;
  /** Overrides of the defaults below (WORKER_CONCURRENCY, SHUTDOWN_DEADLINE_MS, ...). */
  env?: Record<string, string>;
  /** Names this replica in logs (default the app). */
  label?: string;
  /** The port to serve on (METRICS_PORT or RECEIVER_PORT); default a free one at each start. */
  port?: number;
}

export interface ChildLogLine {
  incarnation: number;
  stream: 'stdout' | 'stderr';
  text: string;
  /** The parsed JSON log entry, when the line is one. */
  entry?: Record<string, unknown> & { message?: string };
}

/** A free loopback port (released before use; good enough for a test's own processes). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Writes the test settings (pointed at the fleet's sandbox) as the YAML file a worker app reads. */
export function writeSettingsFile(sandboxUrl: string, overrides: Record<string, unknown> = {}): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-settings-'));
  const file = path.join(dir, 'switchyard.yaml');
  writeFileSync(file, stringify(testSettingsDoc(sandboxUrl, overrides)));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One worker app (`apps/worker-<app>/src/main.ts`), or the receiver, as a real child process against a fleet's
 * database and queue prefix, so a test can SIGKILL or SIGTERM it and start it again. Every line
 * it prints is kept (across restarts) for assertions and for failure messages.
 */
export class ChildWorker {
  readonly label: string;
  readonly lines: ChildLogLine[] = [];
  incarnation = 0;
  metricsPort = 0;
  private child: ChildProcess | null = null;
  private exit: Promise<ChildExit> | null = null;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly opts: ChildWorkerOptions) {
    this.label = opts.label ?? opts.app;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The receiver's base URL (its port is `metricsPort`). */
  get url(): string {
    return `http://127.0.0.1:${this.metricsPort}`;
  }

  /** Spawns the app and resolves once it logged `worker started` (its consumer is running) or `receiver listening`. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error(`${this.label} is already running (pid ${this.pid})`);
    const incarnation = ++this.incarnation;
    this.metricsPort = this.opts.port ?? (await freePort());
    const receiver = this.opts.app === 'receiver';
    const appDir = path.join(repoRoot, 'apps', receiver ? 'receiver' : `worker-${this.opts.app}`);
    const startedMessage = receiver ? 'receiver listening' : 'worker started';
    const child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: this.opts.databaseUrl,
        DATABASE_POOL_SIZE: '5',
        // The pooler run (scripts/test.sh) reaches the database through PgBouncer in transaction mode.
        ...(process.env.DATABASE_POOL_MODE ? { DATABASE_POOL_MODE: process.env.DATABASE_POOL_MODE } : {}),
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: this.opts.prefix,
        SWITCHYARD_CONFIG: this.opts.settingsFile,
        [receiver ? 'RECEIVER_PORT' : 'METRICS_PORT']: String(this.metricsPort),
        LOG_LEVEL: 'info',
        // A killed worker's jobs come back after about two seconds, however often that happens.
        WORKER_LOCK_MS: '2000',
        WORKER_MAX_STALLED: '50',
        OUTBOX_POLL_INTERVAL_MS: '200',
        ...this.opts.env,
      },
    });
    this.child = child;
    this.exit = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    process.once('exit', this.killOnExit);
    void this.exit.then(() => process.removeListener('exit', this.killOnExit));

    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    for (const stream of ['stdout', 'stderr'] as const) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the child is spawned with piped stdout and stderr, so both streams exist
      createInterface({ input: child[stream]! }).on('line', (text) => {
        const line: ChildLogLine = { incarnation, stream, text, entry: parseJson(text) };
        this.lines.push(line);
        if (line.entry?.message === startedMessage) markStarted();
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      started.then(() => 'started' as const),
      this.exit.then((e) => `exited (code ${e.code}, signal ${e.signal})`),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`not started within ${timeoutMs} ms`), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (outcome !== 'started') throw new Error(`${this.label} #${incarnation} ${outcome}\n${this.tail()}`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.child || !this.running) throw new Error(`${this.label} is not running`);
    this.child.kill(signal);
  }

  /** Resolves with how the current incarnation ended; rejects if it is still running after `timeoutMs`. */
  async waitExit(timeoutMs = 30_000): Promise<ChildExit> {
    if (!this.exit) throw new Error(`${this.label} was never started`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${this.label} still running ${timeoutMs} ms later\n${this.tail()}`)), timeoutMs)));
    return Promise.race([this.exit, timedOut]).finally(() => clearTimeout(timer));
  }

  /** SIGKILLs the running incarnation (if any), waits for it to go, and starts a new one. */
  async restart(): Promise<void> {
    if (this.running) {
      this.kill('SIGKILL');
      await this.waitExit();
    }
    await this.start();
  }

  /** For afterAll: whatever state it is in, it is gone afterwards. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.kill('SIGKILL');
    await this.waitExit(10_000).catch(() => undefined);
  }

  /** Log entries whose message contains `text` (all incarnations unless one is given). */
  logged(text: string, incarnation?: number): ChildLogLine[] {
    return this.lines.filter((l) => (incarnation === undefined || l.incarnation === incarnation) && (l.entry?.message ?? l.text).includes(text));
  }

  /** The sum of a counter/gauge over its label sets, from this incarnation's /metrics. */
  async metric(name: string): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    if (!res.ok) throw new Error(`${this.label} /metrics: ${res.status}`);
    const text = await res.text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  /** The last lines it printed, labelled, for failure messages. */
  tail(n = 40): string {
    return this.lines
      .slice(-n)
      .map((l) => `[${this.label} #${l.incarnation} ${l.stream}] ${l.text}`)
      .join('\n');
  }
}

function parseJson(text: string): ChildLogLine['entry'] {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as ChildLogLine['entry'];
  } catch {
    return undefined;
  }
}

/** Runs `fn`; if it throws, the error carries the children's last log lines. */
export async function withChildLogs<T>(children: ChildWorker[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message += `\n\n--- child worker logs ---\n${children.map((c) => c.tail(25)).join('\n')}`;
    throw e;
  }
}
