import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Params } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import type { Env } from '../config/env.config';

/** The process's pino logger, shared by Nest's logs (through nestjs-pino) and the request log. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** A client's id is echoed only if it is short and plain; otherwise it could forge log lines. */
const REQUEST_ID = /^[\w.:@-]{1,128}$/;

export function requestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

export function createRootLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_PRETTY'>): Logger {
  return pino({
    level: env.LOG_LEVEL,
    ...(env.LOG_PRETTY
      ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
      : {}),
  });
}

/**
 * nestjs-pino carries Nest's own logs into the shared logger. Its per-request middleware is left
 * out (forRoutes: []): it runs every request inside AsyncLocalStorage, which turns on promise
 * hooks for the whole process, and the request line below does its job for less.
 */
export function nestLoggerParams(logger: Logger): Params {
  return { pinoHttp: { logger }, useExisting: true, forRoutes: [] };
}

const LOG_FIELDS = Symbol('logFields');

type AnnotatedRequest = FastifyRequest & { [LOG_FIELDS]?: Record<string, unknown> };

/** Adds fields (user_id, nudge types, batch size) to this request's log line. */
export function annotateRequestLog(request: FastifyRequest, fields: Record<string, unknown>): void {
  (request as AnnotatedRequest)[LOG_FIELDS] = fields;
}

/**
 * One JSON line per request, written when the response is sent: request id, method, url, route,
 * status, latency and what the handler annotated. Never bodies or headers, which may carry keys.
 * 4xx lines are warnings and 5xx errors, so alerting can key on the level.
 */
export function registerRequestLog(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level)) {
      const responseTime = Math.round(reply.elapsedTime * 100) / 100;
      logger[level](
        {
          req: { id: request.id, method: request.method, url: request.url },
          route: request.routeOptions.url ?? null,
          res: { statusCode: status },
          responseTime,
          ...(request as AnnotatedRequest)[LOG_FIELDS],
        },
        `${request.method} ${request.url} ${status} ${Math.round(responseTime)}ms`,
      );
    }
    done();
  });
}
