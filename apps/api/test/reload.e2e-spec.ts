import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_REQUEST } from '@app/contract';
import { killWorker, listened, waitFor, workerPids } from './cluster-log';
import { ServerProcess, spawnServer, startServer, waitUntilHealthy } from './server-process';

const ROOT = join(__dirname, '../../..');
const CONFIG = JSON.parse(readFileSync(join(ROOT, 'config/config.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** A fresh connection each time, so that with WORKERS=2 requests reach both workers. */
function call(port: number, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    httpRequest(
      {
        port,
        host: '127.0.0.1',
        path,
        method: payload === undefined ? 'GET' : 'POST',
        agent: false,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            json: text.startsWith('{') ? JSON.parse(text) : text,
          });
        });
      },
    )
      .on('error', reject)
      .end(payload);
  });
}

const configHash = async (port: number): Promise<string> =>
  (await call(port, '/version')).json.config_hash as string;

/** The service's log lines from one of its components (Nest's logger context). */
function logged(server: ServerProcess, context: string): string[] {
  return server
    .stdout()
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { context?: string; msg?: string };
        return entry.context === context && entry.msg !== undefined ? [entry.msg] : [];
      } catch {
        return [];
      }
    });
}

/** The status of a GET on a connection of its own, or the connection's error code. */
function status(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    httpRequest({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
      .end();
  });
}

/** The pids whose engine logged a reload that took (`reloaded: …`). */
function reloadedIn(server: ServerProcess): Set<number> {
  const pids = new Set<number>();
  for (const line of server.stdout().split('\n')) {
    try {
      const entry = JSON.parse(line) as { context?: string; msg?: string; pid: number };
      if (entry.context === 'LiveEngine' && entry.msg?.startsWith('reloaded')) pids.add(entry.pid);
    } catch {
      // Not JSON, or a line still being written.
    }
  }
  return pids;
}

/** The pids that logged they listen (the service's own `listening` line). */
function listeningIn(server: ServerProcess): number[] {
  return server
    .stdout()
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; pid: number };
        return entry.msg === 'listening' ? [entry.pid] : [];
      } catch {
        return [];
      }
    });
}

/**
 * Resolves once process `pid` catches SIGHUP, or has some 64 MB resident without catching it:
 * past Node's own start (before which no program can catch a signal) and still loading its
 * modules either way, a second or more before it serves at about twice that.
 */
async function startingUp(pid: number): Promise<void> {
  for (;;) {
    let proc = '';
    try {
      proc = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      // Not there yet.
    }
    const caught = /SigCgt:\s*([0-9a-f]+)/.exec(proc)?.[1];
    const residentKb = Number(/VmRSS:\s*(\d+) kB/.exec(proc)?.[1] ?? 0);
    // SIGHUP is signal 1: the lowest bit of the mask.
    if (caught !== undefined && (parseInt(caught.slice(-1), 16) & 1) === 1) return;
    if (residentKb >= 64 * 1024) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('live reload of the config and models', () => {
  let dir: string;
  let configPath: string;
  let modelsDir: string;
  let server: ServerProcess | undefined;
  const writeConfig = (text: string) => writeFileSync(configPath, text);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reload-e2e-'));
    configPath = join(dir, 'config.json');
    modelsDir = join(dir, 'models');
    writeConfig(JSON.stringify(CONFIG));
    cpSync(join(ROOT, 'models'), modelsDir, { recursive: true });
  });

  afterEach(() => {
    if (server !== undefined && server.child.exitCode === null) {
      for (const pid of workerPids(server)) process.kill(pid, 'SIGKILL');
      server.child.kill('SIGKILL');
    }
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGHUP takes a good config, refuses a broken one or broken models, and keeps serving', async () => {
    server = await startServer({
      CONFIG_PATH: configPath,
      MODELS_DIR: modelsDir,
      LOG_LEVEL: 'info',
    });
    const { port } = server;
    const original = await configHash(port);
    const modelVersion = (await call(port, '/version')).json.model_version as string;
    const batch = { items: [EXAMPLE_REQUEST] };
    expect((await call(port, '/analyze-engagement', EXAMPLE_REQUEST)).json.nudges).toHaveLength(3);
    // The batch threads start with the config of their first batch.
    expect(
      (await call(port, '/analyze-engagement/batch', batch)).json.results[0].nudges,
    ).toHaveLength(3);

    writeConfig(JSON.stringify({ ...CONFIG, max_nudges: 2 }));
    server.child.kill('SIGHUP');
    await waitFor('the new config', async () => (await configHash(port)) !== original);
    const changed = await configHash(port);
    const answer = (await call(port, '/analyze-engagement', EXAMPLE_REQUEST)).json;
    expect(answer.nudges).toHaveLength(2);
    expect(answer.policy_version).toBe(`${modelVersion}/${changed}`);
    const batched = (await call(port, '/analyze-engagement/batch', batch)).json.results[0];
    expect(batched.nudges).toHaveLength(2);
    expect(batched.policy_version).toBe(`${modelVersion}/${changed}`);

    writeConfig(JSON.stringify({ ...CONFIG, max_nudges: 'three' }));
    server.child.kill('SIGHUP');
    await waitFor('the refusal', () => logged(server!, 'LiveEngine').length >= 2);
    expect(logged(server, 'LiveEngine')[1]).toMatch(
      new RegExp(
        `^reload refused, still serving config ${changed} and models ${modelVersion}: invalid config .*config\\.json: max_nudges must`,
      ),
    );

    // A good config beside broken models changes nothing either: the pair moves together.
    writeConfig(JSON.stringify({ ...CONFIG, max_nudges: 1 }));
    writeFileSync(join(modelsDir, 'manifest.json'), '{ not json');
    server.child.kill('SIGHUP');
    await waitFor('the second refusal', () => logged(server!, 'LiveEngine').length >= 3);
    expect(logged(server, 'LiveEngine')[2]).toMatch(/: the models cannot be loaded: /);

    expect(await call(port, '/version')).toMatchObject({
      status: 200,
      json: { config_hash: changed, model_version: modelVersion, mode: 'ml' },
    });
    expect((await call(port, '/analyze-engagement', EXAMPLE_REQUEST)).json.nudges).toHaveLength(2);
    // Readiness is unaffected; both reports say the last reload was refused, and why.
    const lastReload = {
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      result: 'refused',
      reason: expect.stringMatching(/^the models cannot be loaded: /),
    };
    expect(await call(port, '/health/ready')).toMatchObject({
      status: 200,
      json: { details: { config: { status: 'up', hash: changed, last_reload: lastReload } } },
    });
    expect(await call(port, '/health')).toMatchObject({
      status: 200,
      json: { details: { config: { status: 'up', hash: changed, last_reload: lastReload } } },
    });
    const metrics = (await call(port, '/metrics')).json as string;
    expect(metrics).toContain('engine_reloads_total{result="ok"} 1');
    expect(metrics).toContain('engine_reloads_total{result="refused"} 2');
    expect(metrics).toContain(`config_hash="${changed}"`);
    expect(server.child.exitCode).toBeNull();
  }, 20_000);

  it('with WORKERS=2, SIGHUP to the supervisor reloads every worker; with a refused file on disk, a killed worker is replaced with the last good config', async () => {
    server = await startServer({
      CONFIG_PATH: configPath,
      MODELS_DIR: modelsDir,
      WORKERS: '2',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    const started = server;
    const { port } = started;
    const reloads = (result: string) =>
      logged(started, 'LiveEngine').filter((line) => line.startsWith(result)).length;
    const hashes = async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) seen.add(await configHash(port));
      return [...seen];
    };
    await waitFor('both workers', () => listened(started).length === 2, 20_000);
    const original = await configHash(port);
    // The last good config is not the one the workers started with.
    writeConfig(JSON.stringify({ ...CONFIG, max_nudges: 2 }));
    started.child.kill('SIGHUP');
    await waitFor('both reloads', () => reloads('reloaded') === 2, 20_000);
    const [good, ...stale] = await hashes();
    expect(stale).toEqual([]);
    expect(good).not.toBe(original);
    writeConfig(JSON.stringify({ ...CONFIG, max_nudges: 'three' }));
    started.child.kill('SIGHUP');
    await waitFor('both refusals', () => reloads('reload refused') === 2, 20_000);

    const victim = listened(started)[0];
    await killWorker(started, victim);
    const statuses: (number | string)[] = [];
    await waitFor(
      'the replacement',
      async () => {
        statuses.push(await status(port, '/health'));
        return listened(started).length === 3;
      },
      20_000,
    );

    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(await hashes()).toEqual([good]);
    expect((await call(port, '/analyze-engagement', EXAMPLE_REQUEST)).json.nudges).toHaveLength(2);
    // The replacement still reloads from the files: a later good edit reaches every worker.
    writeConfig(JSON.stringify({ ...CONFIG, max_nudges: 1 }));
    started.child.kill('SIGHUP');
    await waitFor('the next reloads', () => reloads('reloaded') === 4, 20_000);
    const [edited, ...others] = await hashes();
    expect(others).toEqual([]);
    expect(edited).not.toBe(good);
    started.child.kill('SIGTERM');
    expect((await started.exited).code).toBe(0);
  }, 90_000);

  it.each([1, 2])(
    'WORKERS=%i: SIGHUP while starting, to each process, becomes a reload once ready, not an exit',
    async (workers) => {
      server = await spawnServer({
        CONFIG_PATH: configPath,
        MODELS_DIR: modelsDir,
        WORKERS: String(workers),
        LOG_LEVEL: 'info',
      });
      const spawned = server;
      const pid = spawned.child.pid as number;
      const notListening = (serving: number) => expect(listeningIn(spawned)).not.toContain(serving);
      await startingUp(pid);
      spawned.child.kill('SIGHUP');
      notListening(pid);
      // The supervisor starts one worker, and the others once that one listens: each is
      // signalled while it starts, one after the other.
      const signalled: number[] = [];
      while (workers > 1 && signalled.length < workers) {
        let worker = 0;
        await waitFor(
          'the next worker',
          () => {
            worker = workerPids(spawned).find((found) => !signalled.includes(found)) ?? 0;
            return worker !== 0;
          },
          20_000,
        );
        await startingUp(worker);
        process.kill(worker, 'SIGHUP');
        notListening(worker);
        signalled.push(worker);
      }

      await waitUntilHealthy(spawned);
      const serving = workers > 1 ? workerPids(spawned) : [pid];
      await waitFor('a reload in each', () => reloadedIn(spawned).size === workers, 20_000);

      expect([...reloadedIn(spawned)].sort()).toEqual([...serving].sort());
      expect(await status(spawned.port, '/health')).toBe(200);
      spawned.child.kill('SIGTERM');
      expect((await spawned.exited).code).toBe(0);
    },
    60_000,
  );

  it('CONFIG_WATCH_MS reloads when a mounted ConfigMap changes, with no signal', async () => {
    // Kubernetes' layout: config.json → ..data/config.json, ..data → a timestamped folder, and
    // an update renames a new ..data over the old one.
    const mount = join(dir, 'configmap');
    const publish = (version: string, config: Record<string, unknown>) => {
      mkdirSync(join(mount, version), { recursive: true });
      writeFileSync(join(mount, version, 'config.json'), JSON.stringify(config));
      symlinkSync(version, join(mount, '..data_tmp'));
      renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
    };
    publish('..2026_11_27_a', CONFIG);
    symlinkSync('..data/config.json', join(mount, 'config.json'));
    server = await startServer({
      CONFIG_PATH: join(mount, 'config.json'),
      MODELS_DIR: modelsDir,
      CONFIG_WATCH_MS: '100',
    });
    const { port } = server;
    const original = await configHash(port);

    publish('..2026_11_27_b', { ...CONFIG, max_nudges: 1 });
    await waitFor('the watched change', async () => (await configHash(port)) !== original);
    expect((await call(port, '/analyze-engagement', EXAMPLE_REQUEST)).json.nudges).toHaveLength(1);
  }, 20_000);
});
