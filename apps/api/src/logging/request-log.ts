import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** A client's id is echoed only if it is short and plain; otherwise it could forge log lines. */
const REQUEST_ID = /^[\w.:@-]{1,128}$/;
const ID = Symbol('requestId');
const LOG_FIELDS = Symbol('logFields');

type AnnotatedRequest = IncomingMessage & {
  [ID]?: string;
  [LOG_FIELDS]?: Record<string, unknown>;
};

/** The request's id: the client's plain x-request-id, else a new UUID; the same on every call. */
export function requestId(req: IncomingMessage): string {
  const annotated = req as AnnotatedRequest;
  if (annotated[ID] !== undefined) return annotated[ID];
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  annotated[ID] = id;
  return id;
}

/**
 * A URL as the log may hold it: the path without its query, which can carry a key
 * (`?api_key=…`) or personal data that a log must not keep.
 */
export function loggedPath(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Adds fields (user_id, nudge types, batch size) to this request's log line. */
export function annotateRequestLog(
  request: IncomingMessage,
  fields: Record<string, unknown>,
): void {
  (request as AnnotatedRequest)[LOG_FIELDS] = fields;
}

/**
 * The logger request lines are written with (logRequest): `root` without its redaction pass.
 * A request line is made of fields that never carry what the root logger redacts (the path
 * without its query, the route, the status, the latency and what the handler annotated), so
 * the pass changed none of its bytes, and it cost each request a copy of its `req` field
 * (@pinojs/redact): about a tenth of a single request's CPU on fastify under load. Every other
 * line still goes through it.
 */
export function requestLineLogger(root: Logger): Logger {
  return root.child({}, { redact: [] });
}

/**
 * One JSON line per request, written when the response is done: request id, method, path (never
 * the query), route pattern, status, latency and what the handler annotated. Never bodies or
 * headers, which may carry keys. 4xx lines are warnings and 5xx errors, so alerting can key on the level.
 */
export function logRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  route: string | null,
  milliseconds: number,
): void {
  const status = res.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const responseTime = Math.round(milliseconds * 100) / 100;
  const url = loggedPath(req.url);
  logger[level](
    {
      req: { id: requestId(req), method: req.method, url },
      route,
      res: { statusCode: status },
      responseTime,
      ...(res.writableFinished ? {} : { aborted: true }),
      ...(req as AnnotatedRequest)[LOG_FIELDS],
    },
    `${req.method} ${url} ${status} ${Math.round(responseTime)}ms`,
  );
}
