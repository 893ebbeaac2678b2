import { ArgumentsHost, Logger } from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter';

/** A host whose reply records what the filter sends. */
function host(): { host: ArgumentsHost; sent: unknown[]; statuses: number[] } {
  const sent: unknown[] = [];
  const statuses: number[] = [];
  const reply = {
    status: (code: number) => {
      statuses.push(code);
      return reply;
    },
    send: (body: unknown) => {
      sent.push(body);
      return reply;
    },
  };
  const http = { getResponse: () => reply, getRequest: () => ({}) };
  return { host: { switchToHttp: () => http } as unknown as ArgumentsHost, sent, statuses };
}

describe(HttpErrorFilter.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs an upload the client abandoned at debug and answers nobody', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const sut = new HttpErrorFilter();
    const { host: aborted, sent } = host();
    sut.catch(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), aborted);
    expect(sent).toEqual([]);
    expect(error).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith('request aborted by the client: aborted');
  });

  it('answers anything else unexpected with a bare 500 and logs it as an error', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sut = new HttpErrorFilter();
    const { host: broken, sent, statuses } = host();
    sut.catch(new Error('bug'), broken);
    expect(statuses).toEqual([500]);
    expect(sent).toEqual([
      { statusCode: 500, error: 'Internal Server Error', message: 'internal error' },
    ]);
    expect(error).toHaveBeenCalledTimes(1);
  });
});
