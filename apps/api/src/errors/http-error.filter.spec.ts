import { ArgumentsHost, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { HttpErrorFilter } from './http-error.filter';
import type { HttpSeam } from '../http/http-seam';

interface Sent {
  status: number;
  body: unknown;
}

/** A filter on a recording adapter, and a host for a request to `url` with `headers`. */
function setup(url = '/analyze-engagement', headers: Record<string, string> = {}) {
  const sent: Sent[] = [];
  const set: Record<string, string> = {};
  const adapter = {
    reply: (_response: unknown, body: string, status: number) =>
      sent.push({ status, body: JSON.parse(body) as unknown }),
    isHeadersSent: () => false,
    getRequestUrl: () => url,
    getRequestMethod: () => 'PUT',
    setHeader: (_response: unknown, name: string, value: string) => (set[name] = value),
  };
  const seam = {
    allowedMethods: (_adapter: unknown, path: string) =>
      path === '/health' ? ['GET', 'HEAD'] : [],
  } as unknown as HttpSeam;
  const filter = new HttpErrorFilter({ httpAdapter: adapter } as unknown as HttpAdapterHost, seam, {
    body: 100,
    batch: 5000,
  });
  const http = { getResponse: () => ({}), getRequest: () => ({ headers }) };
  const host = { switchToHttp: () => http } as unknown as ArgumentsHost;
  return { filter, host, sent, set };
}

describe(HttpErrorFilter.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs an upload the client abandoned at debug and answers nobody', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const { filter, host, sent } = setup();
    filter.catch(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), host);
    expect(sent).toEqual([]);
    expect(error).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith('request aborted by the client: aborted');
  });

  it('answers anything else unexpected with a bare 500 and logs it as an error', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { filter, host, sent } = setup();
    filter.catch(new Error('bug'), host);
    expect(sent).toEqual([
      {
        status: 500,
        body: {
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          detail: 'internal error',
        },
      },
    ]);
    expect(error).toHaveBeenCalledTimes(1);
  });

  it("words a 413 from the request's route, whoever raised it", () => {
    const { filter, host, sent } = setup('/analyze-engagement/batch?x=1');
    // As Nest hands on fastify's own error, and as Express's http-errors carry it.
    filter.catch(new HttpException('Request body is too large', 413), host);
    filter.catch(Object.assign(new Error('request entity too large'), { status: 413 }), host);
    const body = {
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: "the body is over this route's limit of 5000 bytes",
    };
    expect(sent).toEqual([
      { status: 413, body },
      { status: 413, body },
    ]);
  });

  it('words a 415 from what was sent: an encoding first, else the content type', () => {
    const compressed = setup('/analyze-engagement', {
      'content-encoding': 'gzip',
      'content-type': 'application/json',
    });
    compressed.filter.catch(new HttpException('Unsupported Media Type', 415), compressed.host);
    const typed = setup('/analyze-engagement', { 'content-type': 'text/csv' });
    typed.filter.catch({ statusCode: 415, message: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }, typed.host);
    expect([...compressed.sent, ...typed.sent]).toEqual([
      {
        status: 415,
        body: {
          type: 'about:blank',
          title: 'Unsupported Media Type',
          status: 415,
          detail:
            'Content-Encoding gzip is not supported: send the body uncompressed, as application/json',
        },
      },
      {
        status: 415,
        body: {
          type: 'about:blank',
          title: 'Unsupported Media Type',
          status: 415,
          detail: 'Content-Type text/csv is not supported: send application/json',
        },
      },
    ]);
  });

  it('turns a 404 on a path that has other methods into a 405 with Allow', () => {
    const { filter, host, sent, set } = setup('/health?probe=1');
    filter.catch(new NotFoundException('Cannot PUT /health'), host);
    expect(set).toEqual({
      allow: 'GET, HEAD',
      'content-type': 'application/problem+json; charset=utf-8',
    });
    expect(sent).toEqual([
      {
        status: 405,
        body: {
          type: 'about:blank',
          title: 'Method Not Allowed',
          status: 405,
          detail: 'PUT is not allowed on this path; use GET or HEAD',
        },
      },
    ]);
  });

  it('answers a framework 400 without its internals', () => {
    const { filter, host, sent } = setup();
    filter.catch({ statusCode: 400, message: 'FST_ERR_SOMETHING internal detail' }, host);
    expect(sent).toEqual([
      {
        status: 400,
        body: {
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: 'the request is not valid',
        },
      },
    ]);
  });
});
