/**
 * What Linux says about a process (proc(5)): resident memory, CPU time, open
 * file descriptors, and this process's children — test/support/spawn-server.mjs
 * does not hand out its child's pid, so benchmarks find the server among
 * their children by its command line.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS of the process, in KiB. */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** User plus system CPU seconds the process has used (clock ticks of 1/100 s, as on every Linux we run on). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its ")" are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The soft limit on open files ("Max open files"). */
export function fdLimit(pid: number): number {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return match?.[1] === 'unlimited' || !match ? Infinity : Number(match[1]);
}

/** Pids of this process's children whose command line contains `needle`. */
export function childPids(needle: string): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    let children = '';
    try {
      children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const pid of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) pids.push(pid);
      } catch {
        // Exited meanwhile.
      }
    }
  }
  return pids;
}

/** Samples a process's CPU use over an interval: call, do the work, call the returned function for the share of one core. */
export function cpuMeter(pid: number): () => number {
  const startCpu = cpuSeconds(pid);
  const start = performance.now();
  return () => (cpuSeconds(pid) - startCpu) / ((performance.now() - start) / 1000);
}

/**
 * The whole machine's CPU over an interval (/proc/stat), in cores: time
 * charged to processes (user, nice, system) — the benchmark's own and
 * everyone else's — and interrupt time (loopback networking is largely
 * softirq, charged to no process), and time stolen by the hypervisor.
 */
export function machineCpuMeter(): () => { processCores: number; irqCores: number; stealCores: number } {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return { processes: user + nice + system, irq: irq + softirq, steal, at: performance.now() };
  };
  const start = read();
  return () => {
    const end = read();
    const ticks = ((end.at - start.at) / 1000) * 100;
    return { processCores: (end.processes - start.processes) / ticks, irqCores: (end.irq - start.irq) / ticks, stealCores: (end.steal - start.steal) / ticks };
  };
}
