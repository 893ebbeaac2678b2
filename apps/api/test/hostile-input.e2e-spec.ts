import { request as httpRequest } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { EXAMPLE_ANALYSIS, MAX_JSON_DEPTH, INVALID_REQUEST_TYPE } from '@app/contract';
import type * as Ml from '@app/ml';
import {
  appendMember,
  AS_OF,
  ATTENDANCE,
  bodyWith,
  DATE_PLACES,
  events,
  EXAMPLE_TEXT,
  MUST,
  nestedObjects,
  prototypeCases,
  repeat,
  serialize,
  SEVERAL_WRONG_TYPES,
  exampleAnswer,
} from '@app/contract/testing';
import { HttpClient, listenForTests } from './http-client';
import { createTestApp } from './test-app';
import { built } from './built';

const { MlService } = built<typeof Ml>('libs/ml/src');

/**
 * Hostile input against POST /analyze-engagement where HTTP is part of the answer: the body
 * limit, content types, raw bytes, empty bodies, the socket, other methods and routes, and a few
 * cases showing how a parse or validation refusal becomes a 400. Every case asserts the exact
 * status and the exact (or, for messages V8 words, the documented part of the) JSON body; none
 * may be a 5xx. The parsing and validation cases run without HTTP in
 * libs/engagement/src/nest/hostile-input.*.spec.ts.
 */

const JSON_TYPE = 'application/json';

// ---------------------------------------------------------------------------------------------
// Expected answers

interface Expected {
  readonly status: number;
  /** The whole body, compared with toEqual. */
  readonly body?: unknown;
  /** For 200s: what must hold of the analysis. */
  readonly check?: (analysis: any) => void;
}

function invalid(...errors: [path: string, problem: string][]): Expected {
  const n = errors.length;
  return {
    status: 400,
    body: {
      type: INVALID_REQUEST_TYPE,
      title: 'Bad Request',
      status: 400,
      detail: `invalid request: ${n} field${n === 1 ? '' : 's'} failed validation`,
      errors: errors.map(([path, problem]) => ({ path, message: `${path} ${problem}` })),
    },
  };
}

const badBody = (message: string | RegExp): Expected => ({
  status: 400,
  body: {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    detail: typeof message === 'string' ? message : expect.stringMatching(message),
  },
});

const NOT_JSON = /^body is not valid JSON: \S/;
const NOT_UTF8 = badBody('body is not valid UTF-8');
const PROTO = badBody('body is not valid JSON: Object contains forbidden prototype property');
const TOO_DEEP = badBody(`body nests deeper than ${MAX_JSON_DEPTH} levels`);
const NOT_OBJECT = invalid(['body', 'must be a JSON object']);
const TOO_LARGE: Expected = {
  status: 413,
  body: {
    type: 'about:blank',
    title: 'Payload Too Large',
    status: 413,
    detail: "the body is over this route's limit of 102400 bytes",
  },
};
/** The 415 names what was sent and what to send instead. */
const unsupported = (sent: string): Expected => ({
  status: 415,
  body: {
    type: 'about:blank',
    title: 'Unsupported Media Type',
    status: 415,
    detail: `${sent} is not supported: send application/json`,
  },
});
const ok = (check?: (analysis: any) => void): Expected => ({ status: 200, check });

/** A hostile case: a name, the body (text or bytes), its content type (null: none) and the answer. */
type Case = [name: string, body: string | Buffer, expected: Expected, contentType?: string | null];

// ---------------------------------------------------------------------------------------------
// The tables

// Most cases of these tables are in the validation unit tests. What stays needs HTTP, or shows
// how a refusal by validation or by the JSON parser becomes its 400.

const wrongTypeCases: Case[] = [
  [
    'several wrong types at once are all named, in field order',
    SEVERAL_WRONG_TYPES.body,
    invalid(...SEVERAL_WRONG_TYPES.errors),
  ],
];

const stringLimitCases: Case[] = [
  [
    'user_id of 200 000 characters (over the body limit)',
    bodyWith('user_data.user_id', 'u'.repeat(200_000)),
    TOO_LARGE,
  ],
];

const HUNDRED_K = 100_000;
const hugeArrayCases: Case[] = [
  ...[
    'user_data.profile.goal_tags',
    'user_data.profile.quiz_history',
    'user_data.profile.clubs_joined',
    'peer_snapshot.buddies_attending_events',
    'padding',
  ].map((path): Case => [
    `${path} with 100k entries`,
    bodyWith(
      path,
      repeat(HUNDRED_K, () => 'x'),
    ),
    TOO_LARGE,
  ]),
  ['batch_event_attendance with 100k events', bodyWith(ATTENDANCE, events(HUNDRED_K)), TOO_LARGE],
  [
    'a 100k-element array of numbers in an unknown field',
    bodyWith(
      'padding',
      repeat(HUNDRED_K, () => 0),
    ),
    TOO_LARGE,
  ],
  ['a 100k-element array as the whole body', serialize(repeat(HUNDRED_K, () => 0)), TOO_LARGE],
];

/** The HTTP body parser answers these before any JSON is parsed. */
const nonJsonCases: Case[] = [
  ['an empty body', '', badBody('body is empty; send a JSON object')],
  ['an empty body without a content type is no object either', '', NOT_OBJECT, null],
];

const contentTypeCases: Case[] = [
  ...[
    'text/plain',
    'text/html',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/xml',
    'text/json',
    'application/jsonx',
    'application/json-patch+json',
    'application/ld+json',
    'application/*',
    '*/*',
    'application/json, text/plain',
    'application/octet-stream',
  ].map((type): Case => [
    `Content-Type: ${type}`,
    EXAMPLE_TEXT,
    unsupported(`Content-Type ${type}`),
    type,
  ]),
  [
    'no Content-Type with a JSON body',
    EXAMPLE_TEXT,
    unsupported('a body without a Content-Type'),
    null,
  ],
  ...[
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/json;charset="UTF-8"',
  ].map((type): Case => [`Content-Type: ${type} is JSON`, EXAMPLE_TEXT, ok(), type]),
];

const prototypeKeyCases: Case[] = [
  ['__proto__ at the root', appendMember('"__proto__":{"polluted":true}'), PROTO],
];

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => Buffer.from(part as string)));
const [HEAD, TAIL] = EXAMPLE_TEXT.split('stu_7023');

const encodingCases: Case[] = [
  ['a 0xFF byte in a string', bytes(HEAD, [0xff], TAIL), NOT_UTF8],
  ['a lone continuation byte', bytes(HEAD, [0x80], TAIL), NOT_UTF8],
  ['an overlong encoding of "/"', bytes(HEAD, [0xc0, 0xaf], TAIL), NOT_UTF8],
  ['a truncated 3-byte sequence', bytes(HEAD, [0xe2, 0x82], TAIL), NOT_UTF8],
  ['a UTF-8-encoded surrogate (CESU-8)', bytes(HEAD, [0xed, 0xa0, 0x80], TAIL), NOT_UTF8],
  ['a code point above U+10FFFF', bytes(HEAD, [0xf4, 0x90, 0x80, 0x80], TAIL), NOT_UTF8],
  ['invalid bytes outside any string', bytes('{', [0xfe], '}'), NOT_UTF8],
  [
    'a Latin-1 body, even when it says so',
    bytes(HEAD, [0x5a, 0x6f, 0xeb], TAIL),
    NOT_UTF8,
    'application/json; charset=latin1',
  ],
  ['a UTF-16 body', Buffer.from(`\ufeff${EXAMPLE_TEXT}`, 'utf16le'), NOT_UTF8],
  [
    'a UTF-8 byte-order mark is skipped (RFC 8259 lets a parser ignore it)',
    bytes([0xef, 0xbb, 0xbf], EXAMPLE_TEXT),
    ok((a) => expect(a.nudges).toEqual(EXAMPLE_ANALYSIS.nudges)),
  ],
  [
    'two byte-order marks are one too many',
    bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], EXAMPLE_TEXT),
    badBody(NOT_JSON),
  ],
  [
    'valid multi-byte UTF-8 is read as such',
    bytes(HEAD, 'Zoë-東京-🎉', TAIL),
    ok((a) => expect(a.user_id).toBe('Zoë-東京-🎉')),
  ],
];

const CONTROL = 'a\u0000b\u0007c\u001bd\u007fe\u2028f\u2029g\ud800h';
/** Sent escaped, as JSON allows: an id with them would be logged and answered as something else. */
const controlCases: Case[] = [
  [
    'escaped control characters and a lone surrogate in user_id are refused, naming the field',
    bodyWith('user_data.user_id', CONTROL),
    invalid(['user_data.user_id', MUST.plainId]),
  ],
];

const TABLES: [category: string, cases: Case[]][] = [
  ['wrong types at every field', wrongTypeCases],
  ['strings over their limits', stringLimitCases],
  ['100k-element arrays (over the 100 kB body limit)', hugeArrayCases],
  ['non-JSON, empty and non-object bodies', nonJsonCases],
  ['wrong and missing content types', contentTypeCases],
  ['__proto__, constructor and prototype keys', prototypeKeyCases],
  ['invalid UTF-8 and byte-order marks', encodingCases],
  ['control characters', controlCases],
];

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

describe(`EngagementController: hostile input to POST /analyze-engagement`, () => {
  let app: INestApplication;
  let client: HttpClient;
  let modelVersion: string | null;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_MAX: '0' });
    client = await listenForTests(app);
    modelVersion = app.get(MlService).status().modelVersion;
  });

  afterAll(async () => {
    client.close();
    await app.close();
  });

  async function post(body: string | Buffer, contentType: string | null = JSON_TYPE) {
    const response = await client.send({
      method: 'POST',
      url: '/analyze-engagement',
      headers: contentType === null ? {} : { 'content-type': contentType },
      payload: body,
    });
    return { status: response.statusCode, headers: response.headers, body: response.json() };
  }

  /** Nothing reached Object.prototype, and an ordinary request still gets its ordinary answer. */
  async function expectNothingLeaked(): Promise<void> {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    const normal = await post(EXAMPLE_TEXT);
    expect(normal).toMatchObject({
      status: 200,
      body: exampleAnswer(modelVersion),
    });
  }

  describe.each(TABLES)('%s', (_category, cases) => {
    it.each(cases)('%s', async (_name, body, expected, contentType = JSON_TYPE) => {
      const response = await post(body, contentType);
      expect(response.status).toBe(expected.status);
      expect(response.headers['content-type']).toBe(
        expected.status === 200
          ? 'application/json; charset=utf-8'
          : 'application/problem+json; charset=utf-8',
      );
      if (expected.body !== undefined) expect(response.body).toEqual(expected.body);
      if (expected.status === 200) {
        expect(response.body).toMatchObject({ status: 'generated', model_version: modelVersion });
        expected.check?.(response.body);
      }
    });
  });

  describe('prototype pollution leaves nothing behind', () => {
    it.each(prototypeCases)('%s', async (_name, body) => {
      await post(body);
      await expectNothingLeaked();
    });

    it('query strings with __proto__ and constructor[prototype] on GET and POST', async () => {
      const query = '__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__.polluted=1';
      const health = await client.send({ method: 'GET', url: `/health?${query}` });
      expect(health.statusCode).toBe(200);
      const analysis = await client.send({
        method: 'POST',
        url: `/analyze-engagement?${query}&as_of=2020-01-01`,
        headers: { 'content-type': JSON_TYPE },
        payload: EXAMPLE_TEXT,
      });
      expect(analysis.statusCode).toBe(200);
      expect(analysis.json().as_of).toBe(AS_OF);
      await expectNothingLeaked();
    });
  });

  describe('future dates without as_of (today, UTC, is the default)', () => {
    it.each(DATE_PLACES.filter((place) => place.name !== 'as_of'))(
      '$name after today',
      async ({ reported, body }) => {
        const before = todayUtc();
        const text = serialize({ ...JSON.parse(body('2999-12-31')), as_of: undefined });
        const response = await post(text);
        const today = [before, todayUtc()];
        expect(response.status).toBe(400);
        const day = /\((\d{4}-\d{2}-\d{2})\)$/.exec(response.body.errors?.[0]?.message ?? '')?.[1];
        expect(today).toContain(day);
        expect(response.body).toEqual(invalid([reported, MUST.notAfter(day!)]).body);
      },
    );

    it('as_of null means today, like an absent one', async () => {
      const before = todayUtc();
      const response = await post(bodyWith('as_of', null));
      expect(response.status).toBe(200);
      expect([before, todayUtc()]).toContain(response.body.as_of);
    });
  });

  describe('over a real socket, where the transport is involved', () => {
    let port: number;

    beforeAll(() => {
      port = (app.getHttpServer().address() as AddressInfo).port;
    });

    /** Writes raw HTTP/1.1 and reads until the server closes: what no client library would send. */
    function exchange(text: string): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(text));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head, body = ''] = answer.split('\r\n\r\n');
          resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body });
        });
      });
    }

    /** Sends the body in chunks with Transfer-Encoding: chunked (no Content-Length up front). */
    function chunked(chunks: string[]): Promise<{ status: number; body: unknown }> {
      return new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: '/analyze-engagement',
            headers: { 'content-type': JSON_TYPE, 'transfer-encoding': 'chunked' },
          },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) }),
            );
          },
        );
        outgoing.on('error', reject);
        for (const chunk of chunks) outgoing.write(chunk);
        outgoing.end();
      });
    }

    const head = (headers: string) =>
      `POST /analyze-engagement HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${headers}Connection: close\r\n\r\n`;

    it('a Content-Length over the limit is a 413 before any body is sent', async () => {
      const answer = await exchange(head('Content-Length: 104857600\r\n'));
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual(TOO_LARGE.body);
    });

    it('a chunked body that grows over the limit is a 413', async () => {
      const [open, close] = [EXAMPLE_TEXT.slice(0, -1), '"}'];
      const padding = repeat(4, () => 'x'.repeat(30_000));
      const answer = await chunked([open, ',"padding":"', ...padding, close]);
      expect(answer).toEqual({ status: 413, body: TOO_LARGE.body });
    });

    it('a chunked body under the limit is read whole', async () => {
      const answer = await chunked([
        EXAMPLE_TEXT.slice(0, 7),
        EXAMPLE_TEXT.slice(7, 300),
        EXAMPLE_TEXT.slice(300),
      ]);
      expect(answer).toEqual({
        status: 200,
        body: exampleAnswer(modelVersion),
      });
    });

    it('a body longer than its Content-Length is a 400', async () => {
      // The parser reads 5 bytes as the body and the rest as a malformed next request.
      const answer = await exchange(head('Content-Length: 5\r\n') + EXAMPLE_TEXT);
      expect(answer.status).toBe(400);
    });

    it('a 100k-element array is a 413 with a JSON body', async () => {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('content-type', JSON_TYPE)
        .send(
          bodyWith(
            'user_data.profile.goal_tags',
            repeat(HUNDRED_K, () => 'x'),
          ),
        );
      expect(response.status).toBe(413);
      expect(response.body).toEqual(TOO_LARGE.body);
    });

    it.each(['gzip', 'deflate', 'br'])('a %s-encoded body is a 415', async (encoding) => {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('content-type', JSON_TYPE)
        .set('content-encoding', encoding)
        .send(EXAMPLE_TEXT);
      expect(response.status).toBe(415);
      expect(response.body).toEqual({
        type: 'about:blank',
        title: 'Unsupported Media Type',
        status: 415,
        detail: `Content-Encoding ${encoding} is not supported: send the body uncompressed, as application/json`,
      });
    });

    it('a form post is a 415', async () => {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .type('form')
        .send({ user_data: 'x' });
      expect(response.status).toBe(415);
      expect(response.body).toEqual(
        unsupported('Content-Type application/x-www-form-urlencoded').body,
      );
    });

    it('a 10k-deep body is a 400', async () => {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('content-type', JSON_TYPE)
        .send(nestedObjects(10_000));
      expect(response.status).toBe(400);
      expect(response.body).toEqual(TOO_DEEP.body);
    });
  });

  describe('other methods and routes', () => {
    it.each(['GET', 'PUT', 'PATCH', 'DELETE'] as const)(
      '%s /analyze-engagement is a 405 saying which method to use',
      async (method) => {
        const response = await client.send({
          method,
          url: '/analyze-engagement?x=1',
          headers: { 'content-type': JSON_TYPE },
          payload: method === 'GET' ? undefined : EXAMPLE_TEXT,
        });
        expect(response.statusCode).toBe(405);
        expect(response.headers.allow).toBe('POST');
        expect(response.json()).toEqual({
          type: 'about:blank',
          title: 'Method Not Allowed',
          status: 405,
          detail: `${method} is not allowed on this path; use POST`,
        });
      },
    );

    it('POST /health is a 405 allowing GET and HEAD; an unknown path is still a 404', async () => {
      const post = await client.send({ method: 'POST', url: '/health' });
      expect(post.statusCode).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
      const unknown = await client.send({ method: 'GET', url: '/no-such-path' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'Cannot GET /no-such-path',
      });
    });

    it.each(['/health', '/version', '/'])('GET %s ignores a broken JSON body', async (url) => {
      const response = await client.send({
        method: 'GET',
        url,
        headers: { 'content-type': JSON_TYPE },
        payload: '{"__proto__":',
      });
      expect(response.statusCode).toBe(200);
    });

    it.each(['/%E0%A4%A', '/health/%'])(
      'GET %s (a broken percent-encoding) is a 400',
      async (url) => {
        const response = await client.send({
          method: 'GET',
          url,
          headers: { 'x-request-id': 'bad-url-1' },
        });
        expect(response.statusCode).toBe(400);
        expect(response.headers['x-request-id']).toBe('bad-url-1');
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.json()).toEqual({
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: 'the URL is not valid: it has a broken percent-encoding',
        });
      },
    );

    it.each([
      '/docs/../../package.json',
      '/docs/%2e%2e/%2e%2e/package.json',
      '/docs/..%2f..%2fpackage.json',
    ])('GET %s does not escape the docs', async (url) => {
      const response = await client.send({ method: 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'the URL is not valid: it has a . or .. segment',
      });
    });
  });
});
