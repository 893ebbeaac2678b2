import { Agent, request as httpRequest } from 'node:http';
import { EXAMPLE_REQUEST } from '@app/engagement';
import { startServer } from './server-process';

const BODY = JSON.stringify(EXAMPLE_REQUEST);

type Outcome = { status: number; complete: boolean } | { error: string };

function post(port: number, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        port,
        host: '127.0.0.1',
        path: '/analyze-engagement',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let complete = false;
          try {
            complete =
              (JSON.parse(Buffer.concat(chunks).toString()) as { user_id?: string }).user_id ===
              'stu_7023';
          } catch {
            complete = false;
          }
          resolve({ status: res.statusCode ?? 0, complete });
        });
        res.on('aborted', () => resolve({ error: 'aborted mid-response' }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message }),
    );
    req.end(BODY);
  });
}

describe('graceful shutdown', () => {
  it('answers every request it accepted with a complete 200, then exits 0 in time', async () => {
    const server = await startServer({ LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' });
    const { port } = server;

    const outcomes: Outcome[] = [];
    let stop = false;
    const clients = Array.from({ length: 16 }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (!stop) {
        const outcome = await post(port, agent);
        outcomes.push(outcome);
        if ('error' in outcome) break;
      }
      agent.destroy();
    });

    await new Promise((r) => setTimeout(r, 500));
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const { code, at } = await server.exited;
    stop = true;
    await Promise.all(clients);

    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(5000 + 2000);

    const answered = outcomes.filter(
      (o): o is { status: number; complete: boolean } => 'status' in o,
    );
    expect(answered.length).toBeGreaterThan(16);
    expect(answered.every((o) => o.status === 200 && o.complete)).toBe(true);
    // What the server says it answered is exactly what the clients received in full.
    const served = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"url":"/analyze-engagement"'));
    expect(served.every((line) => line.includes('"statusCode":200'))).toBe(true);
    expect(served).toHaveLength(answered.length);
    // Failures are connections the server no longer took, never a cut-off response.
    const failures = outcomes
      .filter((o): o is { error: string } => 'error' in o)
      .map((o) => o.error);
    expect(failures.every((error) => ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(error))).toBe(
      true,
    );
  }, 30_000);
});
