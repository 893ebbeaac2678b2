import { execSync } from 'node:child_process';
import type { ServerProcess } from './server-process';

/** What the e2e tests read of a WORKERS > 1 server: its supervisor's log and its workers. */

interface SupervisorLine {
  time: number;
  msg: string;
  worker?: number;
  delayMs?: number;
}

/** The supervisor's JSON log lines so far (the workers log to the same stream). */
function supervisorLog(server: ServerProcess): SupervisorLine[] {
  const lines: SupervisorLine[] = [];
  for (const line of server.stdout().split('\n')) {
    try {
      const entry = JSON.parse(line) as SupervisorLine & { role?: string };
      if (entry.role === 'supervisor') lines.push(entry);
    } catch {
      // Not JSON, or a line still being written.
    }
  }
  return lines;
}

/** What the supervisor logged, in order. */
export const supervisorSaid = (server: ServerProcess): string[] =>
  supervisorLog(server).map((line) => line.msg);

export const listened = (server: ServerProcess): number[] =>
  supervisorLog(server)
    .filter((line) => line.msg === 'worker listening')
    .map((line) => line.worker as number);

export const died = (server: ServerProcess): SupervisorLine[] =>
  supervisorLog(server).filter((line) => line.msg.startsWith('worker died'));

export function workerPids(server: ServerProcess): number[] {
  try {
    return execSync(`pgrep -P ${server.child.pid}`, { encoding: 'utf8' })
      .split('\n')
      .filter((pid) => pid !== '')
      .map(Number);
  } catch {
    // pgrep exits 1 when the process has no children.
    return [];
  }
}

export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Kills a worker and waits until the supervisor has seen it die. */
export async function killWorker(server: ServerProcess, pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  // Bounded generously: on a loaded machine the supervisor may log it late.
  await waitFor(
    `the death of ${pid}`,
    () => died(server).some((line) => line.worker === pid),
    20_000,
  );
}

/** Kills a server that is still running, its workers first, so a failed test leaves none. */
export function killServer(server: ServerProcess): void {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  for (const pid of workerPids(server)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  server.child.kill('SIGKILL');
}
