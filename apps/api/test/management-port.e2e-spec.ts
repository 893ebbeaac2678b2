import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killServer, listened, waitFor } from './cluster-log';
import { freePort } from './ports';
import { ServerProcess, startServer } from './server-process';

interface Reply {
  status: number;
  body: any;
  headers: IncomingHttpHeaders;
}

/** A fresh connection each time, as a kubelet's probe opens one. */
function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    httpRequest({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const json = (res.headers['content-type'] ?? '').includes('json');
        resolve({
          status: res.statusCode ?? 0,
          body: json ? JSON.parse(text) : text,
          headers: res.headers,
        });
      });
    })
      .on('error', reject)
      .end();
  });
}

/** The packages a list of loaded files comes from, nested ones included. */
function packagesOf(files: readonly string[]): Set<string> {
  const names = files.flatMap((file) =>
    [...file.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((match) => match[1]),
  );
  return new Set(names);
}

describe('MANAGEMENT_PORT with WORKERS=2: the supervisor answers probes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'supervisor-modules-'));
  let server: ServerProcess | undefined;

  afterEach(() => {
    if (server !== undefined) killServer(server);
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports liveness, every worker’s readiness and their summed metrics, serves no API, and exits 0', async () => {
    const management = await freePort();
    server = await startServer({
      WORKERS: '2',
      LOG_LEVEL: 'info',
      MANAGEMENT_PORT: String(management),
    });
    const running = server;
    await waitFor('both workers', () => listened(running).length === 2, 20_000);
    const pids = [...listened(running)].sort((a, b) => a - b);
    await waitFor('both workers ready', async () => {
      const ready = await get(management, '/health/ready');
      return ready.status === 200 && Object.keys(ready.body.details).length === 2;
    });

    const live = await get(management, '/health');
    expect({ status: live.status, body: live.body }).toEqual({
      status: 200,
      body: { status: 'ok', workers: 2, pids: expect.any(Array) },
    });
    // The supervisor's answers carry the request id and the security headers too.
    expect(live.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(live.headers['x-content-type-options']).toBe('nosniff');
    expect([...live.body.pids].sort((a: number, b: number) => a - b)).toEqual(pids);
    const ready = await get(management, '/health/ready');
    expect(Object.keys(ready.body.details).sort()).toEqual(
      pids.map((pid) => `worker-${pid}`).sort(),
    );
    for (const pid of pids) {
      expect(ready.body.info[`worker-${pid}`]).toMatchObject({
        status: 'up',
        checks: { admission: { status: 'up', saturated: false }, shutdown: { status: 'up' } },
      });
    }
    const metrics = await get(management, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('\nmodels_loaded 5\n');
    expect(metrics.body).toContain('\nhttp_requests_in_flight 0\n');
    const unknown = await get(management, '/version');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-frame-options']).toBe('SAMEORIGIN');
    // The main port keeps its own /health.
    expect((await get(running.port, '/health')).status).toBe(200);

    const signalledAt = Date.now();
    running.child.kill('SIGTERM');
    const { code, at } = await running.exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(5000);
  }, 40_000);

  it('stays lean: the supervisor loads no framework, engine or contract barrel, probed and scraped', async () => {
    const file = join(dir, 'loaded.json');
    const management = await freePort();
    server = await startServer({
      WORKERS: '2',
      LOG_LEVEL: 'warn',
      MANAGEMENT_PORT: String(management),
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'loaded-modules.js')}`,
      LOADED_MODULES_FILE: file,
    });
    const running = server;
    await waitFor(
      'both workers ready',
      async () => {
        const ready = await get(management, '/health/ready');
        return ready.status === 200 && Object.keys(ready.body.details).length === 2;
      },
      20_000,
    );
    expect((await get(management, '/health')).status).toBe(200);
    expect((await get(management, '/metrics')).body).toContain('\nmodels_loaded 5\n');
    expect((await get(management, '/nowhere')).status).toBe(404);

    running.child.kill('SIGUSR2');
    await waitFor("the supervisor's list of loaded files", () => existsSync(file));
    const loaded = JSON.parse(readFileSync(file, 'utf8')) as string[];
    const packages = packagesOf(loaded);

    expect([...packages].filter((name) => /^@(nestjs|tensorflow)\//.test(name))).toEqual([]);
    const own = loaded.filter(
      (path) => path.includes('/dist/') && !path.includes('/node_modules/'),
    );
    // Of the project's libraries only the contract's problem module: no barrel, no engine.
    expect(own.filter((path) => path.includes('/libs/'))).toEqual([
      expect.stringMatching(/\/libs\/contract\/src\/problem\/problem\.js$/),
    ]);
    expect(own.filter((path) => /\/(serve|app\.setup|app\.module)\.js$/.test(path))).toEqual([]);
    // The list is what was loaded: it holds the logger, and prom-client since the scrape.
    expect(['pino', 'prom-client'].filter((name) => !packages.has(name))).toEqual([]);
  }, 60_000);
});
