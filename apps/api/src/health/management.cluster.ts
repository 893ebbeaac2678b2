import cluster, { type Worker } from 'node:cluster';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthCheckResult } from '@nestjs/terminus';
import { problem } from '@app/contract/problem';
import type { Env } from '../config/env.config';
import { sendProblem } from '../errors/problem-response';
import { answerClientError, createNodeServer } from '../http/node-server';
import { pathOf } from '../http/path-of';
import { METRICS_TYPE } from '../metrics/metrics-type';
import { isToSupervisor, type ToWorker, type WorkerMetrics } from '../process/supervisor-channel';

// The supervisor's side of the management port. It runs in the cluster's primary, which should
// stay small: only light modules here, no framework, no contract barrel, and prom-client only
// once /metrics is scraped. The workers' side is management.worker.ts.

/** How often each worker tells the supervisor whether it is ready. */
export const REPORT_EVERY_MS = 500;
/** A worker silent this long is not ready: its event loop is too busy to take more. */
export const STALE_AFTER_MS = 3000;
/** How long a scrape waits for the workers' metrics; the late ones are left out. */
const SCRAPE_TIMEOUT_MS = 5000;

interface Known {
  readonly pid: number;
  listening: boolean;
  last?: { readonly at: number; readonly ready: boolean; readonly report: HealthCheckResult };
}

const JSON_TYPE = 'application/json; charset=utf-8';

function answer(response: ServerResponse, status: number, type: string, body: string): void {
  response.statusCode = status;
  response.setHeader('content-type', type);
  response.setHeader('content-length', Buffer.byteLength(body));
  response.setHeader('cache-control', 'no-store');
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/**
 * WORKERS > 1 with MANAGEMENT_PORT: the management listener lives in the supervisor, which
 * serves no API traffic, so a probe is answered in milliseconds however busy the workers are
 * (in a worker it would wait its turn behind hundreds of requests on the event loop).
 *
 * - `/health` (liveness): 200 once a worker has listened and while one is alive; a worker
 *   that dies is the supervisor's to replace, not a reason to restart the pod.
 * - `/health/ready`: 200 while every listening worker's last report (its own readiness:
 *   config, models, shutdown, admission) is ready and fresher than STALE_AFTER_MS; one entry
 *   per worker.
 * - `/metrics`: every worker's registry, summed (prom-client's aggregation), asked over IPC.
 */
export function superviseManagement(env: Env): void {
  const workers = new Map<Worker, Known>();
  const track = (worker: Worker): Known => {
    let known = workers.get(worker);
    if (known === undefined) {
      known = { pid: worker.process.pid ?? 0, listening: false };
      workers.set(worker, known);
    }
    return known;
  };
  cluster.on('fork', track);
  // The first listen is the API's; the management port is the supervisor's own.
  cluster.on('listening', (worker) => (track(worker).listening = true));
  cluster.on('exit', (worker) => workers.delete(worker));
  let nextScrape = 0;
  const scrapes = new Map<
    number,
    { replies: WorkerMetrics[]; pending: number; done: () => void }
  >();
  cluster.on('message', (worker, message: unknown) => {
    if (!isToSupervisor(message)) return;
    if (message.kind === 'readiness') {
      track(worker).last = { at: Date.now(), ready: message.ready, report: message.report };
    } else if (message.kind === 'metrics') {
      const scrape = scrapes.get(message.id);
      if (scrape === undefined) return;
      scrape.replies.push(message.metrics);
      if (--scrape.pending === 0) scrape.done();
    }
  });

  const liveness = (): [number, object] => {
    const listening = [...workers.values()].filter((known) => known.listening);
    const status = listening.length > 0 ? 'ok' : 'error';
    return [
      status === 'ok' ? 200 : 503,
      { status, workers: listening.length, pids: listening.map(({ pid }) => pid) },
    ];
  };

  const readiness = (): [number, object] => {
    const now = Date.now();
    const details: Record<string, object> = {};
    let ready = 0;
    let listening = 0;
    for (const known of workers.values()) {
      if (!known.listening) continue;
      listening++;
      const age = known.last === undefined ? undefined : now - known.last.at;
      const fresh = age !== undefined && age < STALE_AFTER_MS;
      const up = fresh && known.last!.ready;
      if (up) ready++;
      details[`worker-${known.pid}`] = {
        status: up ? 'up' : 'down',
        ...(age === undefined ? { reported: false } : { report_age_ms: age }),
        ...(known.last !== undefined && { checks: known.last.report.details }),
      };
    }
    const ok = listening > 0 && ready === listening;
    const split = (want: string) =>
      Object.fromEntries(
        Object.entries(details).filter(([, d]) => (d as { status: string }).status === want),
      );
    return [
      ok ? 200 : 503,
      { status: ok ? 'ok' : 'error', info: split('up'), error: split('down'), details },
    ];
  };

  const scrape = async (): Promise<string> => {
    const id = nextScrape++;
    const replies: WorkerMetrics[] = [];
    const targets = [...workers.keys()].filter((worker) => worker.isConnected());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SCRAPE_TIMEOUT_MS);
      scrapes.set(id, {
        replies,
        pending: targets.length,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      if (targets.length === 0) resolve();
      const request: ToWorker = { kind: 'metrics?', id };
      for (const worker of targets) worker.send(request);
    });
    scrapes.delete(id);
    // Loaded on the first scrape: a supervisor that is only probed never pays for it.
    const { AggregatorRegistry } = await import('prom-client');
    return AggregatorRegistry.aggregate(replies).metrics();
  };

  const server = createNodeServer((request: IncomingMessage, response: ServerResponse) => {
    const path = pathOf(request.url ?? '/');
    const route =
      path === '/health' || path === '/health/ready' || path === '/metrics' ? path : undefined;
    if (route === undefined) {
      return sendProblem(
        response,
        problem(404, 'the management port serves /health, /health/ready and /metrics only'),
      );
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return sendProblem(response, problem(405, `${request.method} is not allowed; use GET`));
    }
    if (route === '/metrics') {
      scrape().then(
        (text) => answer(response, 200, `${METRICS_TYPE}; charset=utf-8`, text),
        () => sendProblem(response, problem(500, 'internal error')),
      );
      return;
    }
    const [status, body] = route === '/health' ? liveness() : readiness();
    answer(response, status, JSON_TYPE, JSON.stringify(body));
  }, env.REQUEST_TIMEOUT_MS);
  server.on('clientError', answerClientError);
  server.on('error', (error) => {
    process.stderr.write(`start-up failed: management port: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(env.MANAGEMENT_PORT, env.MANAGEMENT_HOST || env.HOST);
  // The supervisor exits when its workers are gone; the listener must not hold it.
  server.unref();
}
