import { createHash } from 'node:crypto';
import { EXAMPLE_BATCH_REQUEST, EXAMPLE_REQUEST, INVALID_REQUEST_TYPE } from '@app/contract';
import { waitFor } from './cluster-log';
import { ServerProcess, startServer } from './server-process';

const SALT = 'pepper-for-the-tests-0123';
const KEY = 'k_test_0123456789abcdef';
/** Sent in the query, where some clients put their key; it must reach no log line. */
const QUERY_SECRET = 'q_secret_fedcba9876543210';

describe('request logging', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      LOG_LEVEL: 'info',
      LOG_USER_IDS: 'hash',
      LOG_USER_ID_SALT: SALT,
      API_KEYS: KEY,
    });
    // A built server takes seconds to start on a busy machine.
  }, 60_000);

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('writes one JSON line per request with id, route, status, latency, hashed user and nudges; never the body or key', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/analyze-engagement`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-77', 'x-api-key': KEY },
      body: JSON.stringify(EXAMPLE_REQUEST),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-77');
    // Lines reach stdout in chunks, at the latest STDOUT_FLUSH_MS after they are logged.
    await waitFor('the request line', () => server.stdout().includes('trace-77'));

    const lines = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('trace-77'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 30,
      req: { id: 'trace-77', method: 'POST', url: '/analyze-engagement' },
      res: { statusCode: 200 },
      user_id: createHash('sha256').update(SALT).update('stu_7023').digest('hex').slice(0, 16),
      nudges: ['resume', 'comeback', 'quiz'],
    });
    expect(typeof line.responseTime).toBe('number');
    const text = server.stdout();
    expect(text).not.toContain('stu_7023');
    expect(text).not.toContain('data science');
    expect(text).not.toContain(KEY);
  });

  it.each([
    ['a refused key', 'GET', '/analyze-engagement', {}, 401],
    ['an analysis', 'POST', '/analyze-engagement', { 'x-api-key': KEY }, 200],
    ['an unknown route', 'GET', '/no-such-route', { 'x-api-key': KEY }, 404],
    ['a wrong method', 'GET', '/analyze-engagement', { 'x-api-key': KEY }, 405],
    ['a broken path', 'GET', '/bad%zz', { 'x-api-key': KEY }, 400],
    ['a probe', 'GET', '/health', {}, 200],
  ] as const)(
    'logs %s with its path and never the query that carried a key',
    async (label, method, path, headers, status) => {
      const id = `query-${label.replace(/\W/g, '-')}`;
      const response = await fetch(
        `http://127.0.0.1:${server.port}${path}?api_key=${QUERY_SECRET}&user_id=stu_7023`,
        {
          method,
          headers: { 'content-type': 'application/json', 'x-request-id': id, ...headers },
          ...(method === 'POST' ? { body: JSON.stringify(EXAMPLE_REQUEST) } : {}),
        },
      );
      expect(response.status).toBe(status);
      await response.arrayBuffer();
      await waitFor('the request line', () => server.stdout().includes(`"${id}"`));

      const lines = server
        .stdout()
        .split('\n')
        .filter((line) => line.includes(`"${id}"`))
        .map((line) => JSON.parse(line) as { req: { url: string }; msg: string });
      expect(lines).toHaveLength(1);
      expect(lines[0].req.url).toBe(path);
      expect(lines[0].msg).toMatch(new RegExp(`^${method} ${path} ${status} \\d+ms$`));
      expect(server.stdout()).not.toContain(QUERY_SECRET);
    },
  );

  describe('an identifier that would print as something it is not', () => {
    const PLAIN_ID =
      'must not contain control characters, format characters (such as U+200B or U+202E), line separators or unpaired surrogates';
    const invalidUserId = {
      type: INVALID_REQUEST_TYPE,
      title: 'Bad Request',
      status: 400,
      detail: 'invalid request: 1 field failed validation',
      errors: [{ path: 'user_data.user_id', message: `user_data.user_id ${PLAIN_ID}` }],
    };
    const post = (path: string, body: unknown, id: string) =>
      fetch(`http://127.0.0.1:${server.port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'x-request-id': id },
        body: JSON.stringify(body),
      });
    const withUserId = (userId: string) => ({
      ...EXAMPLE_REQUEST,
      user_data: { ...EXAMPLE_REQUEST.user_data, user_id: userId },
    });

    it.each([
      ['NUL', 'stu\u00007023'],
      ['a newline', 'stu_7023\n{"level":30}'],
      ['a right-to-left override', '\u202e3207_uts'],
      ['a lone surrogate', 'stu_\ud800'],
    ])(
      'is refused in user_id when it has %s: 400 naming the field, alone or in a batch',
      async (label, userId) => {
        const single = await post('/analyze-engagement', withUserId(userId), `plain-id-${label}`);
        expect(single.status).toBe(400);
        expect(single.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        expect(await single.json()).toEqual(invalidUserId);

        const [good] = EXAMPLE_BATCH_REQUEST.items;
        const batch = await post(
          '/analyze-engagement/batch',
          { as_of: '2025-06-30', items: [good, withUserId(userId)] },
          `plain-id-batch-${label}`,
        );
        expect(batch.status).toBe(200);
        const { results } = (await batch.json()) as { results: unknown[] };
        expect(results).toHaveLength(2);
        expect(results[0]).toMatchObject({ user_id: good.user_data.user_id, status: 'generated' });
        expect(results[1]).toEqual({ kind: 'error', index: 1, error: invalidUserId });
      },
      // The first batch starts the batch threads: seconds on a busy machine.
      20_000,
    );
  });
});
