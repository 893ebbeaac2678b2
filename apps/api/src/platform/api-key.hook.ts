import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const OPEN_PATHS = /^\/health(\/|$|\?)/;
const DOC_PATHS = /^\/(docs|metrics)(\/|-json|-yaml|$|\?)/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * With API_KEYS set, every route except /health* needs one of the keys in `x-api-key`; the docs
 * and /metrics too unless PUBLIC_DOCS. Keys are compared as SHA-256 digests with
 * timingSafeEqual, so neither a key's content nor its length leaks through timing. The check
 * runs before the body is read: an unauthenticated client costs no parsing.
 */
export function registerApiKeyCheck(
  fastify: FastifyInstance,
  keys: readonly string[],
  publicDocs: boolean,
): void {
  if (keys.length === 0) return;
  const digests = keys.map(digest);
  const allowed = (request: FastifyRequest): boolean => {
    const url = request.url;
    if (OPEN_PATHS.test(url) || (publicDocs && DOC_PATHS.test(url))) return true;
    const header = request.headers['x-api-key'];
    if (typeof header !== 'string') return false;
    const candidate = digest(header);
    let match = false;
    for (const key of digests) match = timingSafeEqual(candidate, key) || match;
    return match;
  };
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    if (allowed(request)) return done(null, payload);
    void reply.status(401).send({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'missing or invalid x-api-key header',
    });
  });
}
