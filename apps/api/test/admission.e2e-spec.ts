import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { EXAMPLE_BATCH_REQUEST, EXAMPLE_REQUEST } from '@app/contract';
import type * as AdmissionGate from '../src/front-door/admission.gate';
import type * as ManagementServer from '../src/health/management.server';
import { waitFor } from './cluster-log';
import { Answer, HttpClient, listenForTests } from './http-client';
import { createTestApp } from './test-app';
import { built } from './built';

const { Admission, SATURATED_HOLD_MS } = built<typeof AdmissionGate>(
  'apps/api/src/front-door/admission.gate',
);
const { listenManagement } = built<typeof ManagementServer>(
  'apps/api/src/health/management.server',
);

const ANALYZE = JSON.stringify(EXAMPLE_REQUEST);
const BATCH = JSON.stringify(EXAMPLE_BATCH_REQUEST);
const JSON_HEADERS = { 'content-type': 'application/json' };

interface Held {
  /** Sends the body's last byte; resolves with the status once answered. */
  finish(): Promise<number>;
}

/**
 * A request whose head is sent and whose body stops one byte short: the service has admitted
 * it and waits for the rest, so it stays in flight until `finish`.
 */
function hold(port: number, path: string, body: string): Held {
  const outgoing = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    agent: false,
    headers: { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)) },
  });
  const status = new Promise<number>((resolve, reject) => {
    outgoing.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
  });
  outgoing.write(body.slice(0, -1));
  return {
    finish: () => {
      outgoing.end(body.slice(-1));
      return status;
    },
  };
}

const AT_CAPACITY = (max: number) => ({
  type: 'about:blank',
  title: 'Service Unavailable',
  status: 503,
  detail: `the service is at capacity: ${max} requests in flight (MAX_IN_FLIGHT); retry after 1 s`,
});

function expectRefused(answer: Answer, body: object): void {
  expect(answer.statusCode).toBe(503);
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(answer.headers['retry-after']).toBe('1');
  expect(answer.json()).toEqual(body);
}

describe('admission control (MAX_IN_FLIGHT)', () => {
  let app: INestApplication;
  let client: HttpClient;
  let port: number;

  beforeAll(async () => {
    app = await createTestApp({ MAX_IN_FLIGHT: '2' });
    client = await listenForTests(app);
    port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  });

  afterAll(async () => {
    client.close();
    await app.close();
  });

  it('answers 503 with Retry-After beyond the bound, fails readiness, and recovers once requests finish', async () => {
    const admission = app.get(Admission);
    const held = [
      hold(port, '/analyze-engagement', ANALYZE),
      hold(port, '/analyze-engagement', ANALYZE),
    ];
    await waitFor('two requests in flight', () => admission.inFlight === 2);

    expectRefused(await client.send({ method: 'GET', url: '/version' }), AT_CAPACITY(2));
    expectRefused(
      await client.send({
        method: 'POST',
        url: '/analyze-engagement',
        headers: JSON_HEADERS,
        payload: ANALYZE,
      }),
      AT_CAPACITY(2),
    );
    // Probes are not counted: liveness holds, readiness says why it fails.
    expect((await client.send({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const ready = await client.send({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error).toEqual({
      admission: {
        status: 'down',
        saturated: true,
        reason: '2 of 2 requests in flight (MAX_IN_FLIGHT)',
        in_flight: 2,
        batch_bytes_in_flight: 0,
      },
    });
    const metrics = (await client.send({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('\nhttp_requests_in_flight 2\n');
    expect(metrics).toContain('\nhttp_requests_refused_total{reason="in_flight"} 2\n');

    expect(await Promise.all(held.map((request) => request.finish()))).toEqual([200, 200]);
    expect(admission.inFlight).toBe(0);
    // Readiness stays down for a moment after the last refusal, then comes back.
    await new Promise((resolve) => setTimeout(resolve, SATURATED_HOLD_MS + 50));
    const readyAgain = await client.send({ method: 'GET', url: '/health/ready' });
    expect(readyAgain.statusCode).toBe(200);
    expect(readyAgain.json().details.admission).toEqual({
      status: 'up',
      saturated: false,
      in_flight: 0,
      batch_bytes_in_flight: 0,
    });
    expect((await client.send({ method: 'GET', url: '/version' })).statusCode).toBe(200);
  }, 20_000);
});

describe('admission control (MAX_BATCH_BYTES_IN_FLIGHT)', () => {
  const batchBytes = Buffer.byteLength(BATCH);
  let app: INestApplication;
  let client: HttpClient;
  let port: number;

  beforeAll(async () => {
    // Room for one example batch and a half: a second one at once is over the bound.
    app = await createTestApp({ MAX_BATCH_BYTES_IN_FLIGHT: String(Math.round(batchBytes * 1.5)) });
    client = await listenForTests(app);
    port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  });

  afterAll(async () => {
    client.close();
    await app.close();
  });

  const postBatch = () =>
    client.send({
      method: 'POST',
      url: '/analyze-engagement/batch',
      headers: JSON_HEADERS,
      payload: BATCH,
    });

  it('refuses a batch whose bytes would pass the bound, lets other requests through, and admits it once the first is done', async () => {
    const admission = app.get(Admission);
    const held = hold(port, '/analyze-engagement/batch', BATCH);
    await waitFor('a batch in flight', () => admission.batchBytesInFlight === batchBytes);

    expectRefused(await postBatch(), {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: `the service is at capacity: batches in flight hold ${batchBytes} of ${Math.round(batchBytes * 1.5)} bytes (MAX_BATCH_BYTES_IN_FLIGHT); retry after 1 s`,
    });
    const single = await client.send({
      method: 'POST',
      url: '/analyze-engagement',
      headers: JSON_HEADERS,
      payload: ANALYZE,
    });
    expect(single.statusCode).toBe(200);
    const ready = await client.send({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.admission).toMatchObject({
      saturated: true,
      batch_bytes_in_flight: batchBytes,
    });

    expect(await held.finish()).toBe(200);
    expect(admission.batchBytesInFlight).toBe(0);
    expect((await postBatch()).statusCode).toBe(200);
  }, 20_000);
});

describe('admission control (MAX_EVENT_LOOP_DELAY_MS)', () => {
  let app: INestApplication;
  let client: HttpClient;

  beforeAll(async () => {
    app = await createTestApp({ MAX_EVENT_LOOP_DELAY_MS: '200' });
    client = await listenForTests(app);
  });

  afterAll(async () => {
    client.close();
    await app.close();
  });

  /**
   * Asks for /version until it answers 200 (a busy machine can make the loop late by itself);
   * returns how many 503s it got meanwhile.
   */
  async function refusedUntilServed(): Promise<number> {
    let refused = 0;
    for (;;) {
      const { statusCode } = await client.send({ method: 'GET', url: '/version' });
      if (statusCode === 200) return refused;
      expect(statusCode).toBe(503);
      refused++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('refuses requests while the event loop runs late, and takes them again once it catches up', async () => {
    // A kept-alive connection first, so the refused request is read in the loop's next turn.
    let refusals = await refusedUntilServed();
    const until = Date.now() + 600;
    while (Date.now() < until) {
      // The event loop is blocked, as by hundreds of requests read in one turn.
    }
    const refused = await client.send({ method: 'GET', url: '/version' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().detail).toMatch(
      /^the service is at capacity: its event loop is \d+ ms behind \(MAX_EVENT_LOOP_DELAY_MS is 200\); retry after 1 s$/,
    );
    expect((await client.send({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    refusals += 1 + (await refusedUntilServed());
    const metrics = (await client.send({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`\nhttp_requests_refused_total{reason="event_loop"} ${refusals}\n`);
  }, 20_000);
});

describe('the management listener (MANAGEMENT_PORT)', () => {
  let app: INestApplication;
  let client: HttpClient;
  let management: Server;
  let port: number;

  beforeAll(async () => {
    app = await createTestApp({ MAX_IN_FLIGHT: '1' });
    client = await listenForTests(app);
    port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
    management = await listenManagement(app, 0, '127.0.0.1', 30_000);
  });

  afterAll(async () => {
    client.close();
    management.close();
    await app.close();
  });

  /** A fresh connection to the management port, as a kubelet's probe opens one. */
  const probe = (method: string, path: string) =>
    new Promise<Answer>((resolve, reject) => {
      const { port: managementPort } = management.address() as AddressInfo;
      httpRequest(
        { host: '127.0.0.1', port: managementPort, method, path, agent: false },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () =>
            resolve({
              statusCode: response.statusCode ?? 0,
              headers: response.headers,
              body,
              json: () => JSON.parse(body),
            }),
          );
        },
      )
        .on('error', reject)
        .end();
    });

  it('answers liveness, readiness and metrics while the main port refuses everything', async () => {
    const admission = app.get(Admission);
    const held = hold(port, '/analyze-engagement', ANALYZE);
    await waitFor('a request in flight', () => admission.inFlight === 1);
    expectRefused(await client.send({ method: 'GET', url: '/version' }), AT_CAPACITY(1));

    const live = await probe('GET', '/health');
    expect(live.statusCode).toBe(200);
    expect(live.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(live.headers['x-request-id']).toBeDefined();
    expect(live.json()).toMatchObject({ status: 'ok', info: { config: { status: 'up' } } });
    const ready = await probe('GET', '/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'error',
      error: { admission: { status: 'down', saturated: true, in_flight: 1 } },
    });
    const metrics = await probe('GET', '/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('\nhttp_requests_in_flight 1\n');
    expect(metrics.body).toContain('\nhttp_requests_refused_total{reason="in_flight"} 1\n');

    expect(await held.finish()).toBe(200);
  }, 20_000);

  it('serves nothing of the API', async () => {
    const version = await probe('GET', '/version');
    expect(version.statusCode).toBe(404);
    expect(version.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(version.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'the management port serves /health, /health/ready and /metrics only',
    });
    const post = await probe('POST', '/health');
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await probe('HEAD', '/health');
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });
});
