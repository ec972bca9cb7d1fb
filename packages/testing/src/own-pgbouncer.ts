import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { ownServerPort } from './own-server-port';

const run = promisify(execFile);

export interface OwnPgBouncerOptions {
  /** Where the pooler sends every database (`* = host=… port=…`): the shared server by default. */
  serverHost?: string;
  serverPort?: number;
  poolMode?: 'session' | 'transaction';
  /** Its listening port; a random high one by default. */
  port?: number;
  /** Server connections per database/user pair. */
  poolSize?: number;
  /** Client connections it accepts before refusing with "no more connections allowed". */
  maxClientConn?: number;
  /** Seconds a client waits for a server connection before it is refused (`query_wait_timeout`). */
  queryWaitTimeoutS?: number;
  /** Directory for the ini, auth file, log and pid file; a fresh temporary one by default. */
  dir?: string;
}

/**
 * A PgBouncer owned by one test run (Debian's `pgbouncer`, 1.18 on these machines), on its own
 * port, in front of a Postgres server: every database name is passed through (`* =`), so the
 * global setup's fresh test database and a test's own database are reachable without editing the
 * ini. Users are trusted as on the servers behind it, but PgBouncer still wants each user name in
 * its auth file: `root` and `postgres` are listed. PgBouncer refuses to run as root, so as root it
 * runs as `postgres` in a directory that user owns. It runs as a daemon (its pid file says which),
 * so a shell script can start it for a whole jest run (scripts/pgbouncer.ts) as well as a test.
 */
export class OwnPgBouncer {
  readonly port: number;
  readonly dir: string;
  private readonly opts: Required<Omit<OwnPgBouncerOptions, 'dir' | 'port'>>;

  constructor(opts: OwnPgBouncerOptions = {}) {
    this.port = opts.port ?? ownServerPort();
    this.dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'sy-pgbouncer-'));
    this.opts = { serverHost: opts.serverHost ?? '127.0.0.1', serverPort: opts.serverPort ?? 5432, poolMode: opts.poolMode ?? 'transaction', poolSize: opts.poolSize ?? 20, maxClientConn: opts.maxClientConn ?? 2000, queryWaitTimeoutS: opts.queryWaitTimeoutS ?? 120 };
  }

  /** Connection URL of the pooler (no database): append `/<name>` for a database behind it. */
  get serverUrl(): string {
    return `postgresql://root@127.0.0.1:${this.port}`;
  }

  private get pidFile(): string {
    return path.join(this.dir, 'pgbouncer.pid');
  }

  private get logFile(): string {
    return path.join(this.dir, 'pgbouncer.log');
  }

  /** Writes the configuration, starts the daemon and waits until it accepts connections. */
  async start(): Promise<void> {
    const ini = path.join(this.dir, 'pgbouncer.ini');
    const users = path.join(this.dir, 'userlist.txt');
    writeFileSync(users, '"root" ""\n"postgres" ""\n');
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=${this.opts.serverHost} port=${this.opts.serverPort}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${this.port}`,
        `unix_socket_dir = ${this.dir}`,
        'auth_type = trust',
        `auth_file = ${users}`,
        `pool_mode = ${this.opts.poolMode}`,
        `default_pool_size = ${this.opts.poolSize}`,
        `max_client_conn = ${this.opts.maxClientConn}`,
        `query_wait_timeout = ${this.opts.queryWaitTimeoutS}`,
        // pg and Prisma send these start-up parameters; PgBouncer refuses unknown ones otherwise.
        'ignore_startup_parameters = extra_float_digits,options,statement_timeout,idle_in_transaction_session_timeout',
        // A server that is down is noticed fast, so a test of that case does not wait 15 s per login.
        'server_connect_timeout = 2',
        'server_login_retry = 1',
        `logfile = ${this.logFile}`,
        `pidfile = ${this.pidFile}`,
        '',
      ].join('\n'),
    );
    if (process.getuid?.() === 0) {
      chownSync(this.dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
      for (const f of [ini, users]) chmodSync(f, 0o644);
      chmodSync(this.dir, 0o755);
      await this.exec('su', ['postgres', '-s', '/bin/sh', '-c', `pgbouncer -d -q ${ini}`]);
    } else {
      await this.exec('pgbouncer', ['-d', '-q', ini]);
    }
    await this.waitUntilListening();
  }

  /** Stops the daemon (SIGINT: it closes at once) and waits for it to exit. */
  async stop(): Promise<void> {
    const pid = this.pid();
    if (!pid) return;
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      return;
    }
    for (let i = 0; i < 100 && alive(pid); i++) await delay(50);
  }

  /** For afterAll: stops the daemon and removes its files. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The end of its log, for failure messages. */
  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '';
    }
  }

  private pid(): number | undefined {
    if (!existsSync(this.pidFile)) return undefined;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  private async exec(cmd: string, args: string[]): Promise<void> {
    try {
      await run(cmd, args);
    } catch (err) {
      const e = err as Error & { stderr?: string };
      const hint = e.message.includes('ENOENT') ? ' (is pgbouncer installed? apt-get install -y pgbouncer)' : '';
      throw new Error(`pgbouncer failed to start on port ${this.port} as ${userInfo().username}${hint}: ${e.stderr || e.message}\n${this.log()}`);
    }
  }

  private async waitUntilListening(): Promise<void> {
    const { Socket } = await import('node:net');
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = new Socket();
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
        s.connect(this.port, '127.0.0.1');
      });
      if (ok) return;
      await delay(50);
    }
    throw new Error(`pgbouncer did not listen on port ${this.port}\n${this.log()}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
