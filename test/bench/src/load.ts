import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Random } from '../../../apps/training-cli/src/cli/random';

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** Where the load goes: POSTs of `bodies`, in turn, to a path of a local port. */
interface LoadTarget {
  readonly port: number;
  readonly path: string;
  readonly bodies: readonly string[];
  readonly seconds: number;
  readonly headers?: Record<string, string>;
}

export interface LoadOptions extends LoadTarget {
  readonly connections: number;
}

/** The latency at quantile `q` of ascending `sorted` latencies; NaN when there are none. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * POSTs the bodies in turn (a varied corpus, not one payload) on `connections` as fast as they
 * are answered, and summarises autocannon's result. For a fixed offered rate, see offerLoad.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (request) => {
          request.body = options.bodies[next++ % options.bodies.length];
          return request;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * GETs `path` one request at a time, on a kept-alive socket, for `seconds`, and returns the
 * latencies' p50 and p99 in ms: how long a probe waits while other load runs.
 */
export async function probeLatency(port: number, path: string, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path, agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 10));
  }
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    count: latencies.length,
  };
}

export interface OfferOptions extends LoadTarget {
  /** Requests per second, sent on a schedule whatever the answers do (an open loop). */
  readonly rate: number;
  /** Evenly spaced sends (wrk2's schedule), or Poisson arrivals (many independent clients). */
  readonly arrivals: 'even' | 'poisson';
  /** Seed of the Poisson gaps, so two runs offer the same schedule. */
  readonly seed?: number;
}

/**
 * Offers `rate` requests per second for `seconds`, each at its scheduled time on a pool of
 * kept-alive sockets, and times each from when it was due, not from when it went out: a
 * request that waits for a free socket or a late timer counts that wait (the coordinated
 * omission correction wrk2 makes).
 *
 * autocannon's rate options cannot do this: a connection with a rate sends back to back until
 * it has made its quota for the second and then idles, so "1,000 req/s over 8 connections" is
 * a burst at full speed at the start of each second, and its latency correction then adds
 * made-up samples for every answer slower than 1 ms.
 */
export async function offerLoad(options: OfferOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const gap = 1000 / options.rate;
  const random = new Random(options.seed ?? 1);
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let pending = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));

  const send = (due: number, body: string) => {
    pending++;
    const settle = (ok: boolean) => {
      if (ok) latencies.push(performance.now() - due);
      pending--;
      if (sent === total && pending === 0) finished();
    };
    request(
      {
        port: options.port,
        host: '127.0.0.1',
        path: options.path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...options.headers },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== undefined && response.statusCode >= 300) non2xx++;
          settle(response.statusCode === 200);
        });
      },
    )
      .on('error', () => {
        errors++;
        settle(false);
      })
      .end(body);
  };

  const start = performance.now();
  let sent = 0;
  let nextDue = start;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && nextDue <= now) {
        send(nextDue, options.bodies[sent % options.bodies.length]);
        sent++;
        nextDue += options.arrivals === 'even' ? gap : random.exponential(gap);
      }
      if (sent === total) return resolve();
      setTimeout(tick, Math.max(0, nextDue - performance.now() - 0.5));
    };
    tick();
  });
  if (pending > 0) await allDone;
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: Math.round(quantile(latencies, 0.5) * 100) / 100,
    p99Ms: Math.round(quantile(latencies, 0.99) * 100) / 100,
    non2xx,
    errors,
  };
}
