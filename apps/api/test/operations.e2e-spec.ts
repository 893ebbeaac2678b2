import { AddressInfo, connect } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { EXAMPLE_BATCH_REQUEST, EXAMPLE_REQUEST } from '@app/contract';
import type * as SecurityHeaders from '../src/http/security-headers';
import { built } from './built';
import { createTestApp } from './test-app';

const { SECURITY_HEADERS } = built<typeof SecurityHeaders>('apps/api/src/http/security-headers');

const KEY = 'k_live_0123456789abcdef';
const OTHER_KEY = 'k_live_fedcba9876543210';

describe('API keys', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ API_KEYS: `${KEY}, ${OTHER_KEY}` });
  });

  afterAll(async () => {
    await app.close();
  });

  it('refuses a request without a key with a JSON 401, before reading its body', async () => {
    const response = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .set('content-type', 'application/json')
      .send('{ not even json');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'missing or invalid x-api-key header',
    });
  });

  it('refuses a keyless body over the size limit with 401, not 413: it never reads it', async () => {
    const response = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(200 * 1024) }));
    expect(response.status).toBe(401);
  });

  it('lets a CORS preflight through without a key (browsers never send one)', async () => {
    const cors = await createTestApp({ API_KEYS: KEY, CORS_ORIGINS: 'https://app.example.com' });
    try {
      const response = await request(cors.getHttpServer())
        .options('/analyze-engagement')
        .set('origin', 'https://app.example.com')
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'content-type, x-api-key');
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
      // An OPTIONS that is not a preflight needs a key like any other request.
      const plain = await request(cors.getHttpServer()).options('/analyze-engagement');
      expect(plain.status).toBe(401);
    } finally {
      await cors.close();
    }
  });

  it.each([['wrong-key-wrong-key'], [KEY.slice(0, -1)], [`${KEY}x`]])(
    'refuses key %p',
    async (key) => {
      const response = await request(app.getHttpServer()).get('/version').set('x-api-key', key);
      expect(response.status).toBe(401);
    },
  );

  it('accepts every configured key', async () => {
    for (const key of [KEY, OTHER_KEY]) {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('x-api-key', key)
        .send(EXAMPLE_REQUEST);
      expect(response.status).toBe(200);
    }
  });

  it('leaves the health probes open', async () => {
    expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/health/ready')).status).toBe(200);
  });

  it.each([['/docs'], ['/docs-json'], ['/metrics'], ['/']])('guards %s', async (path) => {
    expect((await request(app.getHttpServer()).get(path)).status).toBe(401);
    expect((await request(app.getHttpServer()).get(path).set('x-api-key', KEY)).status).toBe(200);
  });
});

describe('PUBLIC_DOCS', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ API_KEYS: KEY, PUBLIC_DOCS: 'true' });
  });

  afterAll(async () => {
    await app.close();
  });

  it('opens the docs and metrics but nothing else', async () => {
    expect((await request(app.getHttpServer()).get('/docs')).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/docs-json')).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/metrics')).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/version')).status).toBe(401);
  });
});

describe('rate limiting', () => {
  const [FIRST, SECOND, THIRD] = [
    'k_rate_first_0123456',
    'k_rate_second_012345',
    'k_rate_third_0123456',
  ];
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({
      API_KEYS: [FIRST, SECOND, THIRD].join(','),
      RATE_LIMIT_MAX: '3',
      RATE_LIMIT_TTL: '60000',
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers 429 with Retry-After past the limit, per API key', async () => {
    const send = (key: string) =>
      request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('x-api-key', key)
        .send(EXAMPLE_REQUEST);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(FIRST)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await send(FIRST);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'rate limit exceeded: at most 3 requests per 60000 ms',
    });
    // Another key has its own budget; health probes are never limited.
    expect((await send(SECOND)).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
  });

  it('counts one budget per client across routes, the docs included, and says what is left', async () => {
    const get = (path: string) => request(app.getHttpServer()).get(path).set('x-api-key', THIRD);
    const first = await get('/docs');
    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect((await get('/version')).status).toBe(200);
    expect((await get('/docs-yaml')).status).toBe(200);
    const analysis = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .set('x-api-key', THIRD)
      .send(EXAMPLE_REQUEST);
    expect(analysis.status).toBe(429);
    expect(analysis.headers['x-ratelimit-remaining']).toBe('0');
    // Scrapers and probes are never limited, whoever sends them.
    expect((await get('/metrics')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
  });
});

describe('CORS and security headers', () => {
  let closed: INestApplication;
  let open: INestApplication;

  beforeAll(async () => {
    closed = await createTestApp();
    open = await createTestApp({ CORS_ORIGINS: 'https://app.example.com' });
  });

  afterAll(async () => {
    await closed.close();
    await open.close();
  });

  it('sends no CORS headers unless CORS_ORIGINS is set', async () => {
    const response = await request(closed.getHttpServer())
      .get('/version')
      .set('origin', 'https://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows only the configured origins', async () => {
    const allowed = await request(open.getHttpServer())
      .get('/version')
      .set('origin', 'https://app.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await request(open.getHttpServer())
      .get('/version')
      .set('origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sets helmet headers with a CSP that lets Swagger UI load its own assets', async () => {
    const response = await request(closed.getHttpServer()).get('/docs');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});

describe('standing headers', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ API_KEYS: KEY });
  });

  afterAll(async () => {
    await app.close();
  });

  const json = 'application/json';
  const cases: [string, (agent: ReturnType<typeof request>) => request.Test, number][] = [
    [
      'an analysis',
      (a) => a.post('/analyze-engagement').set('x-api-key', KEY).send(EXAMPLE_REQUEST),
      200,
    ],
    [
      'a batch (streamed)',
      (a) => a.post('/analyze-engagement/batch').set('x-api-key', KEY).send(EXAMPLE_BATCH_REQUEST),
      200,
    ],
    [
      'malformed JSON',
      (a) =>
        a.post('/analyze-engagement').set('x-api-key', KEY).set('content-type', json).send('{ no'),
      400,
    ],
    ['no key', (a) => a.post('/analyze-engagement').send(EXAMPLE_REQUEST), 401],
    ['an unknown path', (a) => a.get('/nowhere').set('x-api-key', KEY), 404],
    [
      'a body too large',
      (a) =>
        a
          .post('/analyze-engagement')
          .set('x-api-key', KEY)
          .set('content-type', json)
          .send(`"${'x'.repeat(300 * 1024)}"`),
      413,
    ],
    [
      'a body not JSON',
      (a) =>
        a
          .post('/analyze-engagement')
          .set('x-api-key', KEY)
          .set('content-type', 'text/plain')
          .send('hello'),
      415,
    ],
    ['the docs page', (a) => a.get('/docs').set('x-api-key', KEY), 200],
    ['a probe', (a) => a.get('/health'), 200],
  ];

  it.each(cases)(
    'answers %s with the request id and each security header, exactly once',
    async (_what, send, status) => {
      const response = await send(request(app.getHttpServer())).set('x-request-id', 'standing-7');
      expect(response.status).toBe(status);
      // Node's client joins a repeated field's values with ", ": equality means exactly once.
      expect(response.headers['x-request-id']).toBe('standing-7');
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect([name, response.headers[name]]).toEqual([name, value]);
      }
    },
  );
});

describe('metrics', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('exposes request durations by route and status, nudge counts, model state and build info', async () => {
    await request(app.getHttpServer())
      .post('/analyze-engagement')
      .send(EXAMPLE_REQUEST)
      .expect(200);
    await request(app.getHttpServer()).post('/analyze-engagement').send({}).expect(400);
    const response = await request(app.getHttpServer()).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.text;
    expect(text).toContain(
      'http_request_duration_seconds_count{method="POST",route="/analyze-engagement",status="200"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{method="POST",route="/analyze-engagement",status="400"} 1',
    );
    expect(text).toContain('nudges_total{type="resume",source="rule"} 1');
    expect(text).toContain('nudges_total{type="comeback",source="rule"} 1');
    expect(text).toContain('nudges_total{type="quiz",source="rule"} 1');
    expect(text).toMatch(/^models_loaded \d+$/m);
    expect(text).toMatch(/^models_degraded [01]$/m);
    expect(text).toMatch(
      /^build_info\{version="1\.0\.0",model_version="[^"]+",config_hash="[0-9a-f]{16}",tfjs_backend="\w+"\} 1$/m,
    );
    expect(text).toContain('process_resident_memory_bytes');
  });
});

describe('readiness', () => {
  it('fails while models are required and missing, and says why', async () => {
    const app = await createTestApp({ REQUIRE_MODELS: 'true', MODELS_DIR: '/nonexistent/models' });
    try {
      const ready = await request(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.models).toMatchObject({
        status: 'down',
        mode: 'rules-only',
        error: 'cannot read the manifest',
      });
      expect(ready.text).not.toContain('/nonexistent');
      expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('request timeout', () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await createTestApp({ REQUEST_TIMEOUT_MS: '1000' });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app.close();
  });

  /** Writes `text` and waits for the server's answer and its closing the socket. */
  function stall(text: string): Promise<{ status: number; elapsed: number; answer: string }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () =>
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0),
          elapsed: Date.now() - started,
          answer,
        }),
      );
    });
  }

  it.each([
    [
      'a body that stops arriving',
      'POST /analyze-engagement HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"user_data":',
    ],
    ['a head that stops arriving', 'POST /analyze-engagement HTTP/1.1\r\nHost: x\r\nContent-Ty'],
  ])('answers %s with 408 and closes, within about REQUEST_TIMEOUT_MS', async (_name, text) => {
    const answer = await stall(text);
    expect(answer.status).toBe(408);
    expect(answer.elapsed).toBeGreaterThanOrEqual(1000);
    expect(answer.elapsed).toBeLessThan(4000);
    expect(answer.answer.split('\r\n\r\n')[1]).toBe(
      JSON.stringify({
        type: 'about:blank',
        title: 'Request Timeout',
        status: 408,
        detail: 'the request did not arrive in time',
      }),
    );
  });

  it('answers a head too large with 431, in its own words and with its headers', async () => {
    const answer = await stall(
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const [head, body] = answer.answer.split('\r\n\r\n');
    expect(answer.status).toBe(431);
    expect(head).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
    expect(head).toContain('\r\nx-content-type-options: nosniff');
    expect(JSON.parse(body)).toEqual({
      type: 'about:blank',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: 'the request headers are too large',
    });
  });
});
