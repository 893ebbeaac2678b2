import type { Params } from 'nestjs-pino';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import type { Env } from '../config/env.config';
import { loggedPath } from './request-log';

/** The process's pino logger, shared by Nest's logs (through nestjs-pino) and the request log. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * What no line may carry even if some code logs a request or response object whole (pino-http
 * does): the credentials in its headers and the query of its URL, which clients use for keys too.
 */
export const REDACTED_PATHS = [
  'req.url',
  'req.query',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

function censor(value: unknown, path: string[]): unknown {
  return path[path.length - 1] === 'url' && typeof value === 'string'
    ? loggedPath(value)
    : '[redacted]';
}

/** Bytes of log lines gathered before stdout is written. */
const STDOUT_CHUNK_BYTES = 4096;
/** The longest a gathered line waits for the chunk to fill before it is written anyway. */
const STDOUT_FLUSH_MS = 100;

/**
 * stdout gathered into chunks of about 4 KB, written at least every 100 ms: pino's default writes
 * each line as it comes, one system call through libuv's thread pool a request, which took 8%
 * of a profile under load. pino flushes what is left when the process exits.
 */
function bufferedStdout(): DestinationStream {
  return pino.destination({
    fd: 1,
    sync: false,
    minLength: STDOUT_CHUNK_BYTES,
    periodicFlush: STDOUT_FLUSH_MS,
  });
}

/** Writes to stdout, or to `destination` (tests read the lines there). */
export function createRootLogger(
  env: Pick<Env, 'LOG_LEVEL' | 'LOG_PRETTY'>,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: env.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor },
    ...(env.LOG_PRETTY
      ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
      : {}),
  };
  if (env.LOG_PRETTY) return pino(options);
  return pino(options, destination ?? bufferedStdout());
}

/**
 * nestjs-pino carries Nest's own logs into the shared logger. Its per-request middleware is left
 * out (forRoutes: []): it runs every request inside AsyncLocalStorage, which turns on promise
 * hooks for the whole process, and the request line (request-log.ts) does its job for less.
 */
export function nestLoggerParams(logger: Logger): Params {
  return { pinoHttp: { logger }, useExisting: true, forRoutes: [] };
}
