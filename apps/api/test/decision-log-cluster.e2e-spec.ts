import { request as httpRequest } from 'node:http';
import { EXAMPLE_REQUEST } from '@app/contract';
import { killServer, listened, waitFor } from './cluster-log';
import { Collector } from './collector';
import { ServerProcess, startServer } from './server-process';

/** One analysis over a fresh connection, so requests are spread over the workers. */
function analyze(port: number, userId: string): Promise<string> {
  const body = JSON.stringify({
    ...EXAMPLE_REQUEST,
    user_data: { ...EXAMPLE_REQUEST.user_data, user_id: userId },
  });
  return new Promise((resolve, reject) => {
    httpRequest(
      {
        port,
        host: '127.0.0.1',
        path: '/analyze-engagement',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text).decision_id)
            : reject(new Error(`${res.statusCode}: ${text}`)),
        );
      },
    )
      .on('error', reject)
      .end(body);
  });
}

/** What each worker said as its log closed: lines made, written and dropped. */
function closedLines(server: ServerProcess): number[][] {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.includes('"context":"DecisionLog"'))
    .map((line) => JSON.parse(line).msg as string)
    .map((msg) => /^decision log closed: (\d+) lines made, (\d+) written, (\d+) dropped$/.exec(msg))
    .filter((match) => match !== null)
    .map((match) => match.slice(1).map(Number));
}

describe('the decision log with WORKERS=2 and a collector that goes down', () => {
  let collector: Collector;
  let server: ServerProcess | undefined;

  afterEach(async () => {
    if (server !== undefined) killServer(server);
    await collector.down();
  });

  it('delivers every decision of both workers once the collector is back, and flushes at SIGTERM', async () => {
    collector = new Collector();
    await collector.up();
    await collector.down();
    server = await startServer({
      WORKERS: '2',
      LOG_LEVEL: 'info',
      DECISION_LOG: collector.url,
      DECISION_LOG_FLUSH_MS: '50',
    });
    const running = server;
    await waitFor('both workers', () => listened(running).length === 2, 20_000);

    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await analyze(running.port, `down-${i}`));
    await collector.up();
    for (let i = 0; i < 60; i++) ids.push(await analyze(running.port, `up-${i}`));
    running.child.kill('SIGTERM');
    const { code } = await running.exited;

    expect(code).toBe(0);
    const delivered = collector.lines.map((line) => JSON.parse(line).decision_id as string);
    // A batch whose answer was lost may come twice: readers drop copies by decision_id.
    expect([...new Set(delivered)].sort()).toEqual([...ids].sort());
    const closed = closedLines(running);
    expect(closed).toHaveLength(2);
    expect(closed.reduce((sum, [made]) => sum + made, 0)).toBe(120);
    expect(closed.map(([made, written, dropped]) => [made - written, dropped])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  }, 90_000);
});
