import { ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { API_DIST } from './built';
import { freePort } from './ports';

/** The built server; these tests need a real process and signals. */
const MAIN = join(API_DIST, 'apps/api/src/main.js');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the process wrote to stdout so far (its JSON log lines). */
  stdout(): string;
  /** Everything the process wrote to stderr so far (a failed start's one line). */
  stderr(): string;
  readonly exited: Promise<{ code: number | null; at: number }>;
  /** Once the process and every worker holding its stdout and stderr are gone, all read. */
  readonly closed: Promise<void>;
}

/** The lines the process wrote to stderr that start with `prefix`, in order. */
export function stderrLines(server: ServerProcess, prefix: string): string[] {
  return server
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith(prefix));
}

/** Waits for /health to answer 200; a process that ends meanwhile fails with how it ended. */
export async function waitUntilHealthy({ port, child }: ServerProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited with ${child.exitCode ?? child.signalCode}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      httpRequest({ port, host: '127.0.0.1', path: '/health' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
        .on('error', () => resolve(false))
        .end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

/** Starts the built server on a free port with `env` and waits for /health. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer(env);
  await waitUntilHealthy(server);
  return server;
}

/** Starts the built server on a free port with `env`, without waiting for it to answer. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, port, stdout: () => stdout, stderr: () => stderr, exited, closed };
}
