// CPU time per process, read from /proc/<pid>/stat (Linux), so a bench run shows where its CPU
// goes: each app, the Postgres server (every backend, including those that ended during the run),
// Redis, and the bench process itself (the webhook sender).
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface Stat {
  comm: string;
  ppid: number;
  /** utime + stime of the process itself, ms. */
  own: number;
  /** cutime + cstime: CPU of its children that have exited and been waited for, ms. */
  reaped: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone, or not Linux
  }
  // comm may hold spaces and parentheses: the fields after it start after the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5): ppid is 4, utime 14, stime 15, cutime 16, cstime 17.
  const at = (n: number) => Number(fields[n - 3]);
  const ms = 1000 / clockTicks();
  return { comm: text.slice(open + 1, close), ppid: at(4), own: (at(14) + at(15)) * ms, reaped: (at(16) + at(17)) * ms };
}

function allPids(): number[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU ms a server of many processes has used so far: every live process named `comm`, plus what
 * its exited children used (counted in their parent's cutime once reaped, as Postgres reaps its
 * backends), so a backend that ended between two readings is not lost.
 */
function serverCpu(comm: string): number | undefined {
  const stats = allPids().map(readStat).filter((s): s is Stat => s !== undefined && s.comm === comm);
  if (stats.length === 0) return undefined;
  return stats.reduce((sum, s) => sum + s.own + s.reaped, 0);
}

export type CpuReading = Map<string, number>;

/** One reading: each named pid's own CPU ms, Postgres and Redis as wholes, and this process. */
export function readCpu(pids: Array<{ name: string; pid: number | undefined }>): CpuReading {
  const out: CpuReading = new Map();
  for (const { name, pid } of pids) {
    const s = pid === undefined ? undefined : readStat(pid);
    if (s) out.set(name, (out.get(name) ?? 0) + s.own);
  }
  const postgres = serverCpu('postgres');
  if (postgres !== undefined) out.set('postgres (all backends)', postgres);
  const redis = serverCpu('redis-server');
  if (redis !== undefined) out.set('redis-server', redis);
  const self = process.cpuUsage();
  out.set('bench (sender)', (self.user + self.system) / 1000);
  return out;
}

/** CPU ms per event for each process between two readings, and the total. */
export function cpuPerEvent(before: CpuReading, after: CpuReading, events: number): Array<{ process: string; 'cpu ms': number; 'cpu ms / event': number }> {
  const rows = [...after].map(([name, ms]) => ({ process: name, 'cpu ms': Math.round(ms - (before.get(name) ?? 0)) }));
  const total = rows.reduce((s, r) => s + r['cpu ms'], 0);
  return [...rows, { process: 'total', 'cpu ms': total }].map((r) => ({ ...r, 'cpu ms / event': Number((r['cpu ms'] / events).toFixed(2)) }));
}
