import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BadRequestException } from '@nestjs/common';
import type { Logger } from 'pino';
import type { MetricsService } from '../metrics/metrics.service';
import { logRequest, requestId } from './logging';
import type { NextFunction } from './node-request';
import { setSecurityHeaders } from './security-headers';

export const BAD_URL_MESSAGE = 'the URL is not valid: it has a broken percent-encoding';
export const DOT_SEGMENT_MESSAGE = 'the URL is not valid: it has a . or .. segment';

const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/**
 * What is wrong with a request's path, if anything: a percent-encoding that does not decode, or
 * a dot segment (raw or encoded), which a client should have resolved and which no route of
 * this service has. Only paths with a `%` pay for decoding.
 */
function pathProblem(url: string): string | undefined {
  const query = url.indexOf('?');
  let path = query === -1 ? url : url.slice(0, query);
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return BAD_URL_MESSAGE;
    }
  }
  return path.includes('.') && DOT_SEGMENT.test(path) ? DOT_SEGMENT_MESSAGE : undefined;
}

export interface RequestContextOptions {
  readonly logger: Logger;
  readonly metrics: MetricsService;
  /** The matched route pattern once the response is done (the adapter's seam knows it). */
  readonly routeOf: (req: IncomingMessage) => string | null;
}

/**
 * The first middleware on every request, on either adapter: it names the request (echoed in
 * `x-request-id`), sets the security headers, refuses a path that does not decode or that has
 * dot segments, and when the
 * response is done writes the request's log line and its duration metric, labelled by route
 * pattern rather than raw URL (which would explode the label set).
 */
export function requestContext({ logger, metrics, routeOf }: RequestContextOptions) {
  return (req: IncomingMessage, res: ServerResponse, next: NextFunction): void => {
    const started = performance.now();
    res.setHeader('x-request-id', requestId(req));
    setSecurityHeaders(res);
    res.once('close', () => {
      const milliseconds = performance.now() - started;
      const route = routeOf(req);
      metrics.observeRequest(
        req.method ?? 'GET',
        route ?? 'unmatched',
        res.statusCode,
        milliseconds / 1000,
      );
      logRequest(logger, req, res, route, milliseconds);
    });
    const problem = pathProblem(req.url ?? '/');
    if (problem !== undefined) return next(new BadRequestException(problem));
    next();
  };
}
