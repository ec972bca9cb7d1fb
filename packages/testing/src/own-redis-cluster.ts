import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterNodeInfo {
  port: number;
  id: string;
  role: 'master' | 'replica';
  /** For a replica, the id of its master. */
  masterId?: string;
  /** Slot ranges a master serves, as `from-to`. */
  slots: string[];
  /** Whether the node is marked failed (killed) by the others. */
  failed: boolean;
}

/**
 * A Redis Cluster owned by one test (or one test run): `masters` masters, each with `replicas`
 * replicas, on consecutive loopback ports, so a test can kill a master and watch its replica take
 * over without touching the shared Redis. `nodeTimeoutMs` is how long the others wait before
 * they fail a silent master over (production keeps Redis's 15 s; tests want seconds).
 */
export class OwnRedisCluster {
  readonly masters: number;
  readonly replicas: number;
  readonly nodeTimeoutMs: number;
  /**
   * Consecutive ports from 10000..15999, whose cluster buses (10000 higher) stay below the kernel's
   * ephemeral range (32768 up), so no client connection of a busy machine holds one when a node
   * binds it; scripts/test.sh's cluster keeps to 16000..20499. Chosen at start() among ports
   * nothing listens on, and chosen again if a node still finds its port taken.
   */
  private base = 0;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'sy-redis-cluster-'));
  private readonly procs = new Map<number, ChildProcess>();

  constructor(opts: { masters?: number; replicas?: number; nodeTimeoutMs?: number } = {}) {
    this.masters = opts.masters ?? 3;
    this.replicas = opts.replicas ?? 0;
    this.nodeTimeoutMs = opts.nodeTimeoutMs ?? 2000;
  }

  get ports(): number[] {
    if (!this.base) throw new Error('OwnRedisCluster: start() it first');
    return Array.from({ length: this.masters * (1 + this.replicas) }, (_, i) => this.base + i);
  }

  /** The cluster's REDIS_URL: every node as a seed, so the client finds the cluster with any of them down. */
  get url(): string {
    return `redis+cluster://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.pickPorts();
      for (const port of this.ports) this.startNode(port);
      try {
        await Promise.all(this.ports.map((p) => this.waitFor(p, async () => (await this.cli(p, 'ping')) === 'PONG', 'to answer PING')));
        break;
      } catch (err) {
        await Promise.all(this.ports.map((p) => this.kill(p)));
        if (attempt >= 3 || !/Address already in use/.test((err as Error).message)) throw err;
        this.base = 0;
      }
    }
    await run('redis-cli', ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(this.replicas), '--cluster-yes']);
    await this.waitHealthy();
  }

  /** Every node says the cluster is ok, and every replica's link to its master is up. */
  async waitHealthy(ports = this.livePorts(), timeoutMs = 30_000): Promise<void> {
    await Promise.all(
      ports.map((p) =>
        this.waitFor(
          p,
          async () => {
            if (!(await this.cli(p, 'cluster', 'info')).includes('cluster_state:ok')) return false;
            const info = await this.cli(p, 'info', 'replication');
            return !info.includes('role:slave') || info.includes('master_link_status:up');
          },
          'to see the cluster ok',
          timeoutMs,
        ),
      ),
    );
  }

  /** The cluster as one live node sees it (CLUSTER NODES). */
  async nodes(): Promise<ClusterNodeInfo[]> {
    const from = this.livePorts()[0];
    if (from === undefined) throw new Error('no node of the cluster is running');
    const text = await this.cli(from, 'cluster', 'nodes');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id = '', addr = '', flags = '', master = '-', , , , , ...slots] = line.split(' ');
        const role: ClusterNodeInfo['role'] = flags.includes('master') ? 'master' : 'replica';
        return { id, port: Number(addr.split('@')[0]?.split(':').pop()), role, ...(role === 'replica' ? { masterId: master } : {}), slots: slots.filter((s) => !s.startsWith('[')), failed: flags.includes('fail') && !flags.includes('fail?') };
      });
  }

  /** The master serving `key`'s slot (its hash tag's, when it has one). */
  async masterOf(key: string): Promise<ClusterNodeInfo> {
    const from = this.livePorts()[0];
    if (from === undefined) throw new Error('no node of the cluster is running');
    const slot = Number(await this.cli(from, 'cluster', 'keyslot', key));
    const master = (await this.nodes()).find((n) => n.role === 'master' && !n.failed && n.slots.some((range) => {
      const [lo = NaN, hi = lo] = range.split('-').map(Number);
      return slot >= lo && slot <= hi;
    }));
    if (!master) throw new Error(`no live master serves slot ${slot} (key ${key})`);
    return master;
  }

  /** SIGKILL one node: what a crashed machine looks like to the others. */
  async kill(port: number): Promise<void> {
    const proc = this.procs.get(port);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((p) => this.kill(p)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  livePorts(): number[] {
    return this.ports.filter((p) => {
      const proc = this.procs.get(p);
      return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
    });
  }

  private startNode(port: number): void {
    const dir = path.join(this.dir, String(port));
    mkdirSync(dir, { recursive: true });
    // Absolute paths: redis-server resolves the config file against --dir otherwise.
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-node-timeout', String(this.nodeTimeoutMs), '--dir', dir, '--logfile', path.join(dir, 'redis.log'), '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'];
    this.procs.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
  }

  private async pickPorts(): Promise<void> {
    const count = this.masters * (1 + this.replicas);
    for (let tries = 0; !this.base; tries++) {
      const base = 10000 + 10 * Math.floor(Math.random() * 600);
      const all = Array.from({ length: count }, (_, i) => base + i).flatMap((p) => [p, p + 10000]);
      if ((await Promise.all(all.map(portFree))).every(Boolean)) this.base = base;
      else if (tries >= 20) throw new Error('OwnRedisCluster: found no free run of ports in 10000..15999 (and their cluster bus ports)');
    }
  }

  /** The end of a node's log, for a failure message (a port taken, a bad option). */
  private logTail(port: number): string {
    const log = path.join(this.dir, String(port), 'redis.log');
    return existsSync(log) ? `; its log ends: ${readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ')}` : '';
  }

  private async cli(port: number, ...args: string[]): Promise<string> {
    return (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();
  }

  private async waitFor(port: number, check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        // Polled without blocking: the test's own requests and timers keep running meanwhile.
        if (await check()) return;
      } catch {
        // not up yet
      }
      const proc = this.procs.get(port);
      const exited = proc !== undefined && (proc.exitCode !== null || proc.signalCode !== null);
      if (exited || Date.now() > deadline) throw new Error(`redis cluster node ${port} did not come ${what}${exited ? ' (it exited)' : ` within ${timeoutMs} ms`}${this.logTail(port)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Whether nothing listens on `port` of the loopback address (a listen there succeeds). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
