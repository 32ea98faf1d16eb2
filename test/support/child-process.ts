/**
 * Stops a server a test started (Kamailio, Redis, PostgreSQL): `signal`
 * first (each has its own graceful one), SIGKILL if it is still there after
 * 5 s. Resolves once it has exited; nothing to do if it already has.
 */
import type { ChildProcess } from 'node:child_process';

export async function stopChild(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
