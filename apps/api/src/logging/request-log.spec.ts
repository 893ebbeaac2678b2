import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { annotateRequestLog, logRequest, requestLineLogger } from './request-log';
import { createRootLogger } from './root-logger';

const SECRET = 'k_secret_0123456789';

/** A root logger writing into `lines`, one parsed object per line. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const sut = createRootLogger({ LOG_LEVEL: 'info', LOG_PRETTY: false }, destination);
  return { sut, lines, text: () => text.join('') };
}

function exchange(url: string, status: number) {
  const request = { method: 'GET', url, headers: {} } as IncomingMessage;
  const response = { statusCode: status, writableFinished: true } as ServerResponse;
  return { request, response };
}

describe(logRequest.name, () => {
  it.each([200, 401, 404, 429, 500])(
    'logs the path of a %i answer without its query, in the fields and the message',
    async (status) => {
      const { sut, lines, text } = recordingLogger();
      const { request, response } = exchange(
        `/analyze-engagement?api_key=${SECRET}&user=stu_7023`,
        status,
      );

      logRequest(sut, request, response, null, 1.5);
      await new Promise((resolve) => setImmediate(resolve));

      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        req: { method: 'GET', url: '/analyze-engagement' },
        res: { statusCode: status },
        msg: `GET /analyze-engagement ${status} 2ms`,
      });
      expect(text()).not.toContain(SECRET);
      expect(text()).not.toContain('stu_7023');
    },
  );

  it('logs a path without a query as it is', async () => {
    const { sut, lines } = recordingLogger();
    const { request, response } = exchange('/health/ready', 200);

    logRequest(sut, request, response, '/health/ready', 1);
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines[0]).toMatchObject({ req: { url: '/health/ready' }, route: '/health/ready' });
  });
});

describe(requestLineLogger.name, () => {
  /** Each line's text without its time, which differs between two loggers. */
  const untimed = (text: string) => text.replace(/"time":\d+,/g, '');

  it.each([
    [
      'an answer',
      `/analyze-engagement?api_key=${SECRET}`,
      200,
      { user_id: 'stu_1', nudges: ['a'] },
    ],
    ['a refusal', '/docs?x=1', 401, undefined],
    ['a batch', '/analyze-engagement/batch', 200, { batch_items: 3, batch_failed: 1 }],
  ])('writes %s line byte for byte as the root logger does', async (_what, url, status, fields) => {
    const root = recordingLogger();
    const lines = recordingLogger();
    const { request, response } = exchange(url, status);
    if (fields !== undefined) annotateRequestLog(request, fields);

    logRequest(root.sut, request, response, '/analyze-engagement', 3.25);
    logRequest(requestLineLogger(lines.sut), request, response, '/analyze-engagement', 3.25);
    await new Promise((resolve) => setImmediate(resolve));

    expect(untimed(lines.text())).toBe(untimed(root.text()));
    expect(lines.text()).not.toContain(SECRET);
  });

  it('leaves the root logger redacting every other line', async () => {
    const { sut, lines } = recordingLogger();
    requestLineLogger(sut);

    sut.info({ req: { url: `/docs?api_key=${SECRET}`, headers: { 'x-api-key': SECRET } } }, 'x');
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines[0]).toMatchObject({
      req: { url: '/docs', headers: { 'x-api-key': '[redacted]' } },
    });
  });
});

describe(createRootLogger.name, () => {
  it('strips the query and redacts the credentials of a request or response logged whole', async () => {
    const { sut, lines, text } = recordingLogger();

    sut.info(
      {
        req: {
          url: `/docs?api_key=${SECRET}`,
          query: { api_key: SECRET },
          headers: {
            'x-api-key': SECRET,
            authorization: `Bearer ${SECRET}`,
            cookie: `session=${SECRET}`,
            accept: 'application/json',
          },
        },
        res: { headers: { 'set-cookie': `session=${SECRET}` } },
      },
      'a request',
    );
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines[0]).toMatchObject({
      req: {
        url: '/docs',
        query: '[redacted]',
        headers: {
          'x-api-key': '[redacted]',
          authorization: '[redacted]',
          cookie: '[redacted]',
          accept: 'application/json',
        },
      },
      res: { headers: { 'set-cookie': '[redacted]' } },
    });
    expect(text()).not.toContain(SECRET);
  });
});
