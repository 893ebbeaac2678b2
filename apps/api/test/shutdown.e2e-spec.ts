import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { EXAMPLE_REQUEST } from '@app/contract';
import { killServer, killWorker, listened, waitFor } from './cluster-log';
import { ServerProcess, startServer } from './server-process';

const BODY = JSON.stringify(EXAMPLE_REQUEST);

type Outcome =
  | { status: number; complete: boolean; closes: boolean; sentAt: number; at: number }
  | { error: string; sentAt: number; at: number };

function post(port: number, agent: Agent): Promise<Outcome> {
  const sentAt = Date.now();
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
          resolve({
            status: res.statusCode ?? 0,
            complete,
            closes: res.headers.connection === 'close',
            sentAt,
            at: Date.now(),
          });
        });
        res.on('aborted', () => resolve({ error: 'aborted mid-response', sentAt, at: Date.now() }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message, sentAt, at: Date.now() }),
    );
    req.end(BODY);
  });
}

/** A readiness probe on a connection of its own, as a load balancer would send it. */
function ready(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    httpRequest({ port, host: '127.0.0.1', path: '/health/ready', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
      .end();
  });
}

/** Resolves once the port refuses new connections: the listener has closed. */
async function listenerClosed(port: number): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ECONNREFUSED'),
      );
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * How long the service keeps its listener after SIGTERM. Busy clients stop sending once the
 * workers say readiness fails, or a quarter of the way in; a request one had begun before that
 * must still find the listener open, though this process may be starved a while (two cores
 * shared with the rest of the test run). Quiet clients' kept-alive sockets go unused this long plus
 * that delay, and must stay under DRAIN_IDLE_MS (2 s) to be served after the listener closes.
 */
const DELAY_MS = 1000;

/** A promise with its resolve function, for what one client waits on another for. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lines the workers logged on taking the signal: from each, readiness fails. */
const notReady = (server: ServerProcess): number =>
  server
    .stdout()
    .split('\n')
    .filter((line) => line.includes('received: not ready')).length;

/**
 * With WORKERS=2 the drain is tested on a cluster that has already lost a worker and replaced
 * it: the supervisor must pass the signal to the replacement too and still exit 0.
 */
async function startWith(workers: number): Promise<ServerProcess> {
  const server = await startServer({
    LOG_LEVEL: 'info',
    WORKERS: String(workers),
    SHUTDOWN_TIMEOUT_MS: '5000',
    SHUTDOWN_DELAY_MS: String(DELAY_MS),
  });
  started.push(server);
  if (workers === 1) return server;
  // Seconds each on a busy machine: a worker loads the framework and the models.
  await waitFor('both workers', () => listened(server).length === 2, 20_000);
  await killWorker(server, listened(server)[0]);
  await waitFor('a replacement worker', () => listened(server).length === 3, 20_000);
  return server;
}

/** Servers the tests started: one a failed test left running is killed after it. */
const started: ServerProcess[] = [];

// A lost request is a race, so one lucky run proves little: two shutdowns of one process on each
// adapter; one of a cluster (whose drain is each worker's, tested by the first).
describe.each([
  [1, [1, 2]],
  [2, [1]],
])('graceful shutdown with WORKERS=%i', (workers, runs) => {
  afterEach(() => started.splice(0).forEach(killServer));

  it.each(runs)(
    'shutdown %i: fails readiness at once, keeps serving with Connection: close, loses nothing, exits 0',
    async () => {
      const server = await startWith(workers);
      const { port } = server;
      const outcomes: Outcome[] = [];
      const listenerGone = deferred();

      // 16 busy clients post back to back until the service says readiness fails, as a load
      // balancer would, and at most a quarter of the delay after the signal.
      let stopSending = false;
      let signalledAt = Number.POSITIVE_INFINITY;
      const busyAnswered: Promise<void>[] = [];
      const busy = Array.from({ length: 16 }, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        const first = deferred();
        busyAnswered.push(first.promise);
        while (!stopSending && Date.now() < signalledAt + DELAY_MS / 4) {
          const outcome = await post(port, agent);
          outcomes.push(outcome);
          first.resolve();
          if ('error' in outcome) break;
        }
        first.resolve();
        agent.destroy();
      });
      // 4 quiet clients keep an idle kept-alive socket and send on it again as soon as the
      // listener has closed, idle for less than DRAIN_IDLE_MS: the request must be answered.
      // They make their first request once every busy client has had an answer, just before the
      // signal. Made at the start, on a loaded machine their sockets sat idle while the busy
      // clients' first answers came, too long by the time the listener closed to be kept, and
      // the next request found the listener gone (ECONNREFUSED 1,040 ms after the signal, in 2
      // of 4 runs beside two busy loops; none in 5 since).
      const quietAnswers: Outcome[] = [];
      const quietIdle: Promise<void>[] = [];
      const quiet = Array.from({ length: 4 }, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        const idle = deferred();
        quietIdle.push(idle.promise);
        await Promise.all(busyAnswered);
        outcomes.push(await post(port, agent));
        idle.resolve();
        await listenerGone.promise;
        const outcome = await post(port, agent);
        outcomes.push(outcome);
        quietAnswers.push(outcome);
        agent.destroy();
      });

      // Signalled once every client has had an answer: every quiet socket is idle, kept alive.
      await Promise.all(quietIdle);
      signalledAt = Date.now();
      server.child.kill('SIGTERM');
      await waitFor('every worker to take the signal', () => notReady(server) === workers, 20_000);
      stopSending = true;
      const readiness = await ready(port);
      const readyAt = Date.now();
      void listenerClosed(port).then(listenerGone.resolve);
      const { code, at } = await server.exited;
      await Promise.all([...busy, ...quiet]);

      expect(readiness).toBe(503);
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(DELAY_MS + 5000);

      expect(outcomes.filter((o) => 'error' in o)).toEqual([]);
      const answered = outcomes as Extract<Outcome, { status: number }>[];
      expect(answered.every((o) => o.status === 200 && o.complete)).toBe(true);
      // A request sent once readiness had failed was answered with Connection: close.
      const late = answered.filter((o) => o.sentAt > readyAt);
      expect(late.length).toBeGreaterThanOrEqual(4);
      expect(late.every((o) => o.closes)).toBe(true);
      // The quiet clients' requests, sent after the listener closed, were answered in full.
      expect(quietAnswers).toHaveLength(4);
      expect(quietAnswers.every((o) => 'status' in o && o.status === 200 && o.closes)).toBe(true);
      // What the server says it answered is exactly what the clients received in full.
      const served = server
        .stdout()
        .split('\n')
        .filter((line) => line.includes('"url":"/analyze-engagement"'));
      expect(served.every((line) => line.includes('"statusCode":200'))).toBe(true);
      expect(served).toHaveLength(answered.length);
    },
    60_000,
  );
});
