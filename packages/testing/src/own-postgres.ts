import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ownServerPort } from './own-server-port';

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin directory (Debian layout: /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  if (!majors[0]) throw new Error(`no PostgreSQL server under ${root}`);
  return path.join(root, majors[0], 'bin');
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A PostgreSQL cluster owned by one test, on its own port, so the test can stop it the hard way
 * (`immediate`: no shutdown checkpoint, clients cut mid-transaction) and start it again without
 * touching the shared server other tests use. initdb and pg_ctl refuse to run as root, so as root
 * they run as the `postgres` user on a directory that user owns. Its superuser is `root`, with
 * trust auth on 127.0.0.1, as on the shared server.
 */
export class OwnPostgres {
  readonly port = ownServerPort();
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'sy-pg-'));
  private readonly data = path.join(this.dir, 'data');
  private readonly bin = postgresBin();
  private initialised = false;

  /** Connection URL of the server (no database): `createOwnDatabase(pg.serverUrl)` makes a migrated one. */
  get serverUrl(): string {
    return `postgresql://root@127.0.0.1:${this.port}`;
  }

  /** initdb (first time only), then starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    if (!this.initialised) {
      this.prepareDir();
      await this.run('initdb', ['-D', this.data, '--auth=trust', '--username=root', '--encoding=UTF8', '--no-sync']);
      this.initialised = true;
    }
    await this.run('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`, 'start']);
  }

  /** Stops the server: `immediate` is a crash (recovery on the next start), `fast` a clean shutdown. */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    await this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** For afterAll: stops the server if it runs and removes its files. */
  async destroy(): Promise<void> {
    if (this.initialised) await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's log, for failure messages. */
  log(): string {
    try {
      return execFileSync('tail', ['-n', '40', path.join(this.dir, 'server.log')]).toString();
    } catch {
      return '';
    }
  }

  private prepareDir(): void {
    if (process.getuid?.() !== 0) return;
    execFileSync('chown', ['postgres:postgres', this.dir]);
    chmodSync(this.dir, 0o700);
  }

  private async run(tool: 'initdb' | 'pg_ctl', args: string[]): Promise<void> {
    const exe = path.join(this.bin, tool);
    try {
      if (process.getuid?.() === 0) await run('su', ['postgres', '-c', [exe, ...args].map(quote).join(' ')]);
      else await run(exe, args);
    } catch (err) {
      const e = err as Error & { stderr?: string; stdout?: string };
      throw new Error(`${tool} ${args.at(-1)} failed on port ${this.port}: ${e.stderr || e.stdout || e.message}\n${this.log()}`);
    }
  }
}
