import { BadRequestException, HttpException } from '@nestjs/common';
import { pathOf } from './path-of';

/** What the front door answers a path it refuses (fastify's routing errors say the first too). */
export const BAD_URL_MESSAGE = 'the URL is not valid: it has a broken percent-encoding';
export const DOT_SEGMENT_MESSAGE = 'the URL is not valid: it has a . or .. segment';

const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/**
 * What is wrong with a request's path, if anything: a percent-encoding that does not decode, or
 * a dot segment (raw or encoded), which a client should have resolved and which no route of
 * this service has. Only paths with a `%` pay for decoding.
 */
export function pathProblem(url: string): HttpException | undefined {
  let path = pathOf(url);
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return new BadRequestException(BAD_URL_MESSAGE);
    }
  }
  return path.includes('.') && DOT_SEGMENT.test(path)
    ? new BadRequestException(DOT_SEGMENT_MESSAGE)
    : undefined;
}
