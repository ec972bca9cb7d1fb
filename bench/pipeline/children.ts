// Child processes of the pipeline bench: one process per app (no tsx wrapper process, so a kill
// reaches the app itself), all tracked so that exit, ctrl-c or a crash of the bench kills them.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
/** Extra Node flags for every child, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS). */
const extraNodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const running = new Set<ChildProcess>();

export interface Child {
  name: string;
  proc: ChildProcess;
  /** Resolves with the first IPC message matching `type` (children started with ipc). */
  message<T = unknown>(type: string, timeoutMs?: number): Promise<T>;
}

/** Starts `entry` under Node with the tsx loader, in `cwd` (so the app resolves its own dependencies). */
export function startChild(name: string, entry: string, env: Record<string, string>, opts: { cwd?: string } = {}): Child {
  const proc = spawn(process.execPath, [...extraNodeArgs, '--import', tsxLoader, entry], {
    cwd: opts.cwd,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  const message = <T>(type: string, timeoutMs = 60_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: { type?: string }) => {
        if (m?.type !== type) return;
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (code ${code}) before "${type}"`));
      };
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });
  return { name, proc, message };
}

/** Polls `url` until it answers below 500; fails fast if the child exits first. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited with code ${child.proc.exitCode} while starting`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms`);
}

/** SIGTERM (graceful: workers finish active jobs), then SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 8000): Promise<void> {
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(graceMs = 8000): Promise<void> {
  await Promise.all([...running].map((proc) => stopChild({ name: 'child', proc, message: () => Promise.reject(new Error('stopped')) }, graceMs)));
}

/** Last resort, synchronous: nothing outlives the bench. */
export function killAllNow(): void {
  for (const proc of running) if (proc.exitCode === null) proc.kill('SIGKILL');
}
process.once('exit', killAllNow);
