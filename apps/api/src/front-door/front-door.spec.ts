import { IncomingMessage, request, RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ForbiddenException } from '@nestjs/common';
import pino from 'pino';
import { createNodeServer } from '../http/node-server';
import { corsGate, corsHandler } from './cors.gate';
import { FrontDoor, Gate } from './front-door';

interface Observed {
  method: string;
  route: string;
  status: number;
}

/**
 * The service's Node server behind a door with `gates`, whose framework answers 200 "framework"
 * (its responses stamp the request id and security headers, the door's refusals too).
 */
async function serve(gates: Gate[], configure = true, logged: string[] = []) {
  const observed: Observed[] = [];
  const reached: string[] = [];
  const door = new FrontDoor();
  if (configure) {
    door.configure({
      logger: pino({ level: 'error' }, { write: (line: string) => logged.push(line) }),
      observer: {
        requestDone: (method: string, route: string, status: number) =>
          observed.push({ method, route, status }),
      },
      routeOf: (request) => (request.url === '/known' ? '/known' : null),
      gates,
    });
  }
  const framework: RequestListener = (request, response) => {
    reached.push(request.url ?? '');
    response.end('framework');
  };
  const server: Server = createNodeServer(door.wrap(framework), 30_000);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { 'x-request-id': 'front-door-1', ...headers },
    });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  /** The path exactly as written (fetch would resolve dot segments itself). */
  const raw = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
  return { get, raw, observed, reached, close: () => new Promise((r) => server.close(r)) };
}

/** The answer is the problem details (RFC 9457) the exception filter would have written. */
function expectProblem(
  answer: { status: number; body: string },
  status: number,
  title: string,
  detail: string,
): void {
  expect(answer.status).toBe(status);
  expect(JSON.parse(answer.body)).toEqual({ type: 'about:blank', title, status, detail });
}

const refuseSecret: Gate = (request: IncomingMessage) =>
  request.url === '/secret' ? new ForbiddenException('not for you') : undefined;

describe(FrontDoor.name, () => {
  it('lets the framework answer, under the request id, and counts it', async () => {
    const door = await serve([refuseSecret]);
    try {
      const answer = await door.get('/known');
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('framework');
      expect(answer.headers.get('x-request-id')).toBe('front-door-1');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(door.reached).toEqual(['/known']);
      expect(door.observed).toEqual([{ method: 'GET', route: '/known', status: 200 }]);
    } finally {
      await door.close();
    }
  });

  it("refuses in the filter's body shape, before the framework, and still counts it", async () => {
    const later: string[] = [];
    const door = await serve([refuseSecret, (request) => void later.push(request.url ?? '')]);
    try {
      const answer = await door.get('/secret');
      expectProblem(answer, 403, 'Forbidden', 'not for you');
      expect(answer.headers.get('x-request-id')).toBe('front-door-1');
      expect(door.reached).toEqual([]);
      expect(later).toEqual([]);
      expect(door.observed).toEqual([{ method: 'GET', route: 'unmatched', status: 403 }]);
    } finally {
      await door.close();
    }
  });

  it('waits for an asynchronous gate and runs the rest in order', async () => {
    const order: string[] = [];
    const door = await serve([
      async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('slow');
        return undefined;
      },
      () => {
        order.push('next');
        return undefined;
      },
    ]);
    try {
      expect((await door.get('/known')).status).toBe(200);
      expect(order).toEqual(['slow', 'next']);
    } finally {
      await door.close();
    }
  });

  it('answers a gate that throws with a bare 500, and logs why', async () => {
    const logged: string[] = [];
    const door = await serve([() => Promise.reject(new Error('store down'))], true, logged);
    try {
      const answer = await door.get('/known');
      expectProblem(answer, 500, 'Internal Server Error', 'internal error');
      const line = JSON.parse(logged[0]) as { msg: string; err: { message: string } };
      expect([line.msg, line.err.message]).toEqual(['a gate failed', 'store down']);
    } finally {
      await door.close();
    }
  });

  it.each([
    ['/%E0%A4%A', 'the URL is not valid: it has a broken percent-encoding'],
    ['/docs/../package.json', 'the URL is not valid: it has a . or .. segment'],
    ['/docs/%2e%2e/package.json', 'the URL is not valid: it has a . or .. segment'],
    ['/./health', 'the URL is not valid: it has a . or .. segment'],
  ])('refuses the path %s with a 400', async (path, message) => {
    const door = await serve([]);
    try {
      const answer = await door.raw(path);
      expectProblem(answer, 400, 'Bad Request', message);
      expect(door.reached).toEqual([]);
    } finally {
      await door.close();
    }
  });

  it("lets a browser read a gate's refusal when the CORS gate comes first", async () => {
    const door = await serve([corsGate(corsHandler(['https://app.example.com'])), refuseSecret]);
    try {
      const answer = await door.get('/secret', { origin: 'https://app.example.com' });
      expectProblem(answer, 403, 'Forbidden', 'not for you');
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(answer.headers.get('access-control-expose-headers')).toBe(
        'retry-after,ratelimit,ratelimit-policy,x-ratelimit-limit,x-ratelimit-remaining,x-ratelimit-reset,x-request-id',
      );
      const other = await door.get('/secret', { origin: 'https://evil.example' });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await door.close();
    }
  });

  it('passes everything through until it is configured', async () => {
    const door = await serve([refuseSecret], false);
    try {
      const answer = await door.get('/secret');
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('framework');
      expect(door.reached).toEqual(['/secret']);
      expect(door.observed).toEqual([]);
    } finally {
      await door.close();
    }
  });
});
