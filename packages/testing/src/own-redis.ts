import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ownServerPort } from './own-server-port';

const run = promisify(execFile);

/**
 * A redis-server owned by one test, on its own port, so the test can stop, restart or flush it
 * without touching the shared Redis other tests use.
 */
export class OwnRedis {
  private proc: ChildProcess | undefined;
  readonly port = ownServerPort();
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'sy-redis-'));

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    for (let i = 0; i < 400; i++) {
      try {
        // Polled without blocking: the test's own requests and timers keep running while it starts.
        if ((await run('redis-cli', ['-p', String(this.port), 'ping'])).stdout.trim() === 'PONG') return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  flushAll(): void {
    execFileSync('redis-cli', ['-p', String(this.port), 'FLUSHALL']);
  }
}
