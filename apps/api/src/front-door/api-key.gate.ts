import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { UnauthorizedException } from '@nestjs/common';
import type { Gate } from './front-door';

const OPEN_PATHS = /^\/health(\/|$|\?)/;
const DOC_PATHS = /^\/(docs|metrics)(\/|-json|-yaml|$|\?)/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * With API_KEYS set, every route except /health* needs one of the keys in `x-api-key`; the docs
 * and /metrics too unless PUBLIC_DOCS. A CORS preflight passes (browsers never send
 * credentials on one). Keys are compared as SHA-256 digests with timingSafeEqual, so neither a
 * key's content nor its length leaks through timing. It runs before the body is read: an
 * unauthenticated client costs no parsing.
 */
export function apiKeyGate(keys: readonly string[], publicDocs: boolean): Gate {
  const digests = keys.map(digest);
  const allowed = (request: IncomingMessage): boolean => {
    const url = request.url ?? '/';
    if (OPEN_PATHS.test(url) || (publicDocs && DOC_PATHS.test(url))) return true;
    if (
      request.method === 'OPTIONS' &&
      request.headers['access-control-request-method'] !== undefined
    ) {
      return true;
    }
    const header = request.headers['x-api-key'];
    if (typeof header !== 'string') return false;
    const candidate = digest(header);
    let match = false;
    for (const key of digests) match = timingSafeEqual(candidate, key) || match;
    return match;
  };
  const refusal = new UnauthorizedException('missing or invalid x-api-key header');
  return (request) => (allowed(request) ? undefined : refusal);
}
