import { execSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { ServerProcess, startServer } from './server-process';

const ENV = { WORKERS: '2', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' };

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

const listened = (server: ServerProcess): number[] =>
  supervisorLog(server)
    .filter((line) => line.msg === 'worker listening')
    .map((line) => line.worker as number);

const sorted = (pids: number[]): number[] => [...pids].sort((a, b) => a - b);

const died = (server: ServerProcess): SupervisorLine[] =>
  supervisorLog(server).filter((line) => line.msg.startsWith('worker died'));

function workerPids(server: ServerProcess): number[] {
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

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh connection each time, so requests are spread over the workers. */
function health(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    httpRequest({ port, host: '127.0.0.1', path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
      .end();
  });
}

async function healthChecks(port: number, count = 6): Promise<(number | string)[]> {
  const statuses: (number | string)[] = [];
  for (let i = 0; i < count; i++) statuses.push(await health(port));
  return statuses;
}

/** Kills a worker and waits until the supervisor has seen it die. */
async function killWorker(server: ServerProcess, pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitFor(`the death of ${pid}`, () => died(server).some((line) => line.worker === pid));
}

/** Waits for the next worker to listen after `count` have; returns its pid. */
async function nextListening(server: ServerProcess, count: number): Promise<number> {
  await waitFor('a replacement worker', () => listened(server).length > count);
  return listened(server)[count];
}

async function stopAndExpectCleanExit(server: ServerProcess): Promise<void> {
  const signalledAt = Date.now();
  server.child.kill('SIGTERM');
  const { code, at } = await server.exited;
  expect(code).toBe(0);
  expect(at - signalledAt).toBeLessThan(3000);
}

describe('worker supervision (WORKERS=2)', () => {
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    server = await startServer(ENV);
    const started = server;
    // /health answers as soon as one worker listens; the tests need both.
    await waitFor('both workers', () => listened(started).length === 2);
  }, 10_000);

  afterEach(() => {
    // A failed test must not leave the cluster running.
    if (server !== undefined && server.child.exitCode === null) {
      for (const pid of workerPids(server)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      server.child.kill('SIGKILL');
    }
    server = undefined;
  });

  it('replaces a killed worker, keeps answering, then exits 0 on SIGTERM', async () => {
    const running = server as ServerProcess;
    const original = workerPids(running);
    expect(sorted(original)).toEqual(sorted(listened(running)));

    expect(await healthChecks(running.port)).toEqual(Array(6).fill(200));
    await killWorker(running, original[0]);
    // While the replacement starts, the other worker answers.
    expect(await healthChecks(running.port)).toEqual(Array(6).fill(200));
    const fresh = await nextListening(running, 2);

    expect(original).not.toContain(fresh);
    expect(sorted(workerPids(running))).toEqual(sorted([original[1], fresh]));
    expect(await healthChecks(running.port)).toEqual(Array(6).fill(200));

    await stopAndExpectCleanExit(running);
  }, 15_000);

  it('waits longer before each replacement while workers keep dying, and still exits 0', async () => {
    const running = server as ServerProcess;
    // Each new worker is killed as soon as it listens: a crash loop.
    let victim = listened(running)[0];
    for (let i = 0; i < 4; i++) {
      await killWorker(running, victim);
      victim = await nextListening(running, 2 + i);
    }

    expect(died(running).map((line) => line.delayMs)).toEqual([0, 100, 200, 400]);
    expect(await healthChecks(running.port)).toEqual(Array(6).fill(200));
    await stopAndExpectCleanExit(running);
  }, 15_000);
});
