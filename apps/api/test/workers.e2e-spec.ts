import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  died,
  killServer,
  killWorker,
  listened,
  supervisorSaid,
  waitFor,
  workerPids,
} from './cluster-log';
import { ServerProcess, spawnServer, startServer, stderrLines } from './server-process';

const ENV = { WORKERS: '2', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' };

const sorted = (pids: number[]): number[] => [...pids].sort((a, b) => a - b);

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

/** Waits for the next worker to listen after `count` have; returns its pid. */
async function nextListening(server: ServerProcess, count: number): Promise<number> {
  // Seconds on a busy machine: a worker loads the framework and the models.
  await waitFor('a replacement worker', () => listened(server).length > count, 20_000);
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
    await waitFor('both workers', () => listened(started).length === 2, 20_000);
  }, 60_000);

  afterEach(() => {
    // A failed test must not leave the cluster running.
    if (server !== undefined) killServer(server);
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
  }, 60_000);

  // 0 ms: the supervisor gets the SIGTERM before it has seen the death; 20 ms: mostly after, with
  // the replacement just forked.
  it.each([0, 20])(
    'exits 0 on a SIGTERM %i ms after a worker was killed: a dead worker had no drain to fail',
    async (gapMs) => {
      const running = server as ServerProcess;
      process.kill(listened(running)[0], 'SIGKILL');
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      running.child.kill('SIGTERM');

      const { code } = await running.exited;

      expect(code).toBe(0);
    },
    15_000,
  );

  it('replaces a replacement that dies before it listens, waits longer before each replacement while workers keep dying, and stays up', async () => {
    const running = server as ServerProcess;
    const original = workerPids(running);
    await killWorker(running, original[0]);
    let replacement = 0;
    await waitFor('the replacement process', () => {
      replacement = workerPids(running).find((pid) => !original.includes(pid)) ?? 0;
      return replacement !== 0;
    });
    // Still starting: it listens seconds from now.
    await killWorker(running, replacement);
    expect(listened(running)).not.toContain(replacement);

    let fresh = await nextListening(running, 2);

    expect([...original, replacement]).not.toContain(fresh);
    expect(died(running).map((line) => line.delayMs)).toEqual([0, 100]);
    expect(await healthChecks(running.port)).toEqual(Array(6).fill(200));

    // Each new worker is killed as soon as it listens: a crash loop.
    for (let i = 0; i < 2; i++) {
      await killWorker(running, fresh);
      fresh = await nextListening(running, 3 + i);
    }

    expect(died(running).map((line) => line.delayMs)).toEqual([0, 100, 200, 400]);
    expect(await healthChecks(running.port)).toEqual(Array(6).fill(200));
    await stopAndExpectCleanExit(running);
  }, 120_000);
});

describe('a bad config with WORKERS=2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
  let server: ServerProcess | undefined;

  afterEach(() => {
    if (server !== undefined) killServer(server);
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails in the one worker started first, named in one line, and the supervisor exits 1', async () => {
    // The supervisor loads no engine code to check the config with: the first worker finds the
    // bad key, and the second is never started to find it again.
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ profile_rules: { resume_threshold: 7 } }));
    server = await spawnServer({ ...ENV, CONFIG_PATH: path });

    const { code } = await server.exited;
    await server.closed;

    expect(code).toBe(1);
    expect(stderrLines(server, 'start-up failed:')).toEqual([
      `start-up failed: invalid config ${path}: profile_rules.resume_threshold must be a number from 0 to 1`,
    ]);
    expect(supervisorSaid(server)).toEqual([
      'starting 2 workers: one, then the others once it listens',
      'a worker exited before listening; stopping',
    ]);
  }, 60_000);
});
