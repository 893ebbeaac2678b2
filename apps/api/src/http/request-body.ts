import {
  BadRequestException,
  HttpException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { readJsonBody } from '@app/contract';

/** What a request body may be, per route; each adapter's seam enforces it its own way. */
export interface BodyLimits {
  /** BODY_LIMIT: every route but the batch. */
  readonly body: number;
  /** BATCH_BODY_LIMIT: the batch route. */
  readonly batch: number;
}

export const BATCH_ROUTE = '/analyze-engagement/batch';

/** The byte limit for a request path (without its query). */
export function bodyLimitFor(path: string, limits: BodyLimits): number {
  return path === BATCH_ROUTE ? limits.batch : limits.body;
}

export function tooLarge(limit: number): HttpException {
  return new PayloadTooLargeException(`the body is over this route's limit of ${limit} bytes`);
}

/** Only `application/json`, with or without parameters such as a charset. */
export function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const essence = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return essence.trim().toLowerCase() === 'application/json';
}

export function unsupportedType(contentType: string | undefined): HttpException {
  const what =
    contentType === undefined || contentType === ''
      ? 'a body without a Content-Type'
      : `Content-Type ${contentType}`;
  return new UnsupportedMediaTypeException(`${what} is not supported: send application/json`);
}

/** A compressed body is a media type this service does not take: 415, not a parse error. */
export function unsupportedEncoding(encoding: string | undefined): HttpException | undefined {
  if (encoding === undefined || /^\s*identity\s*$/i.test(encoding)) return undefined;
  return new UnsupportedMediaTypeException(
    `Content-Encoding ${encoding} is not supported: send the body uncompressed, as application/json`,
  );
}

/** readJsonBody's value, or a 400 with its reason. */
export function parseBody(body: Uint8Array): unknown {
  const parsed = readJsonBody(body);
  if (!parsed.ok) throw new BadRequestException(parsed.message);
  return parsed.value;
}

export const ANALYZE_ROUTE = '/analyze-engagement';

/**
 * A JSON body its route parses itself: the analysis routes', which are parsed on an engine
 * thread rather than on the event loop (see AnalyzeService and BatchService).
 */
export class RawJsonBody {
  constructor(readonly bytes: Buffer) {}
}

/** What a route's handler gets for a JSON body: the analysis routes' bytes, any other's value. */
export function bodyFor(path: string, body: Buffer): unknown {
  return path === ANALYZE_ROUTE || path === BATCH_ROUTE ? new RawJsonBody(body) : parseBody(body);
}

/** The app's BodyLimits, for the exception filter's 413. */
export const BODY_LIMITS = Symbol('BODY_LIMITS');
