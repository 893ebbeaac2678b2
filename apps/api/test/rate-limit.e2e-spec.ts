import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { EXAMPLE_REQUEST } from '@app/contract';
import { createTestApp } from './test-app';

const KEY = 'k_live_0123456789abcdef';
const OTHER_KEY = 'k_live_fedcba9876543210';
const ORIGIN = 'https://app.example.com';

const sleep = (milliseconds: number) => new Promise((r) => setTimeout(r, milliseconds));

/** `RateLimit: "<policy>";r=<remaining>;t=<seconds>` (draft-ietf-httpapi-ratelimit-headers-10). */
function serviceLimit(header: unknown): { policy: string; r: number; t: number } {
  const match = /^"([\w-]+)";r=(\d+);t=(\d+)$/.exec(String(header));
  if (match === null) throw new Error(`not a RateLimit field: ${String(header)}`);
  return { policy: match[1], r: Number(match[2]), t: Number(match[3]) };
}

describe('rate limit without API_KEYS', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_TTL: '60000' });
  });

  afterAll(async () => {
    await app.close();
  });

  it('counts by client address: a new x-api-key on every request does not dodge it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await request(app.getHttpServer())
        .get('/version')
        .set('x-api-key', randomUUID())
        .set('x-forwarded-for', `203.0.113.${i}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('rate limit headers', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_TTL: '60000' });
  });

  afterAll(async () => {
    await app.close();
  });

  it('states the policy and what is left, and while blocked says 0 left until Retry-After', async () => {
    const version = () => request(app.getHttpServer()).get('/version');
    const first = await version();
    expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(serviceLimit(first.headers.ratelimit)).toMatchObject({ policy: 'default', r: 2 });
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect(first.headers['retry-after']).toBeUndefined();
    await version();
    await version();
    // A second later a fixed-window count and a block timer would disagree by a second.
    await sleep(1100);
    const limited = await version();
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(serviceLimit(limited.headers.ratelimit)).toEqual({
      policy: 'default',
      r: 0,
      t: retryAfter,
    });
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBe(retryAfter);
  });
});

describe('rate limit with API_KEYS', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({
      API_KEYS: `${KEY},${OTHER_KEY}`,
      RATE_LIMIT_MAX: '2',
      RATE_LIMIT_TTL: '60000',
      AUTH_FAILURE_MAX: '3',
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('gives each configured key its own budget', async () => {
    const send = (key: string) =>
      request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('x-api-key', key)
        .send(EXAMPLE_REQUEST);
    const statuses = [(await send(KEY)).status, (await send(KEY)).status, (await send(KEY)).status];
    expect(statuses).toEqual([200, 200, 429]);
    expect((await send(OTHER_KEY)).status).toBe(200);
  });

  it('answers wrong keys 401 until the address has spent its failure budget, then 429 before comparing keys', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await request(app.getHttpServer())
        .get('/version')
        .set('x-api-key', `wrong-key-${randomUUID()}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await request(app.getHttpServer()).get('/version').set('x-api-key', OTHER_KEY);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'too many failed authentications from this address: at most 3 per minute',
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-policy']).toBe('"auth";q=3;w=60');
    expect(serviceLimit(limited.headers.ratelimit)).toEqual({
      policy: 'auth',
      r: 0,
      t: retryAfter,
    });
    // Probes stay open.
    expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
  });
});

describe('TRUST_PROXY', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({
      RATE_LIMIT_MAX: '2',
      RATE_LIMIT_TTL: '60000',
      TRUST_PROXY: '127.0.0.1, ::1',
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('counts by the address a trusted proxy forwarded, not by the proxy', async () => {
    const from = (forwarded: string) =>
      request(app.getHttpServer()).get('/version').set('x-forwarded-for', forwarded);
    const first = [(await from('198.51.100.7')).status, (await from('198.51.100.7')).status];
    expect(first).toEqual([200, 200]);
    // What the client wrote before the proxy's entry is not believed.
    expect((await from('192.0.2.1, 198.51.100.7')).status).toBe(429);
    expect((await from('198.51.100.8')).status).toBe(200);
    // IPv6 clients are counted by their /64.
    expect((await from('2001:db8:1:2::1')).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff::9')).status).toBe(200);
    expect((await from('2001:db8:1:2::abcd')).status).toBe(429);
  });
});

describe('CORS on the front door', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({
      API_KEYS: KEY,
      CORS_ORIGINS: ORIGIN,
      RATE_LIMIT_MAX: '1',
      RATE_LIMIT_TTL: '60000',
    });
  });

  afterAll(async () => {
    await app.close();
  });

  const EXPOSED = [
    'retry-after',
    'ratelimit',
    'ratelimit-policy',
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
    'x-request-id',
  ];

  function expectCors(response: request.Response): void {
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(response.headers['access-control-expose-headers']).toBe(EXPOSED.join(','));
    expect(response.headers.vary).toContain('Origin');
  }

  it('lets a browser read a 401, a 429 and their Retry-After', async () => {
    const unauthorized = await request(app.getHttpServer()).get('/version').set('origin', ORIGIN);
    expect(unauthorized.status).toBe(401);
    expectCors(unauthorized);
    const send = () =>
      request(app.getHttpServer()).get('/version').set('origin', ORIGIN).set('x-api-key', KEY);
    const allowed = await send();
    expect(allowed.status).toBe(200);
    expectCors(allowed);
    const limited = await send();
    expect(limited.status).toBe(429);
    expectCors(limited);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('still answers a preflight without a key and tells no other origin anything', async () => {
    const preflight = await request(app.getHttpServer())
      .options('/analyze-engagement')
      .set('origin', ORIGIN)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type, x-api-key');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(preflight.headers['access-control-max-age']).toBe('600');
    const other = await request(app.getHttpServer())
      .get('/version')
      .set('origin', 'https://evil.example');
    expect(other.status).toBe(401);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
