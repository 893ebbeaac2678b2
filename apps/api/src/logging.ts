import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Env } from './config/env.config';

export interface LogSettings {
  readonly level: Env['LOG_LEVEL'];
  readonly pretty: boolean;
}

/** A client's id is echoed only if it is short and plain; otherwise it could forge log lines. */
const REQUEST_ID = /^[\w.:@-]{1,128}$/;

export function requestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * One JSON line per request: id, method, url, status, latency, plus what the handler assigned
 * (user_id and nudge types). Never bodies or headers, which may carry API keys.
 */
export function loggerParams({ level, pretty }: LogSettings): Params {
  return {
    assignResponse: true,
    pinoHttp: {
      level,
      ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customSuccessMessage: (req, res, responseTime) =>
        `${req.method} ${req.url} ${res.statusCode} ${Math.round(responseTime)}ms`,
      customErrorMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
      customLogLevel: (_req, res, error) =>
        error !== undefined || res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400
            ? 'warn'
            : 'info',
    },
  };
}
