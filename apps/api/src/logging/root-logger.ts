import type { Params } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import type { Env } from '../config/env.config';

/** The process's pino logger, shared by Nest's logs (through nestjs-pino) and the request log. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

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
 * hooks for the whole process, and the request line (request-log.ts) does its job for less.
 */
export function nestLoggerParams(logger: Logger): Params {
  return { pinoHttp: { logger }, useExisting: true, forRoutes: [] };
}
