import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface LoadOptions {
  readonly port: number;
  readonly path: string;
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly seconds: number;
  /** Fixed offered load (requests per second over all connections); absent = as fast as it goes. */
  readonly rate?: number;
  readonly headers?: Record<string, string>;
}

/** POSTs the bodies in turn (a varied corpus, not one payload) and summarises autocannon's result. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
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
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { p50Ms: at(0.5), p99Ms: at(0.99), count: latencies.length };
}
