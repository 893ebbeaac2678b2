import { createHash } from 'node:crypto';
import { EXAMPLE_REQUEST } from '@app/contract';
import { ServerProcess, startServer } from './server-process';

const SALT = 'pepper-for-the-tests-0123';
const KEY = 'k_test_0123456789abcdef';

describe('request logging', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      LOG_LEVEL: 'info',
      LOG_USER_IDS: 'hash',
      LOG_USER_ID_SALT: SALT,
      API_KEYS: KEY,
    });
  });

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
    await new Promise((r) => setTimeout(r, 200));

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
});
