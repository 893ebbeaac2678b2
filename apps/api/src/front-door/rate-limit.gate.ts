import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { normalizeIp, ThrottlerException, ThrottlerStorageService } from '@nestjs/throttler';
import type { Gate } from './front-door';

/** Probes and scrapers are never limited. */
const UNLIMITED = /^\/(health|metrics)(\/|$|\?)/;

export interface RateLimit {
  /** RATE_LIMIT_TTL, in milliseconds. */
  readonly ttl: number;
  /** RATE_LIMIT_MAX requests per ttl; installed only when above 0. */
  readonly limit: number;
}

/** The client a budget belongs to: its API key (hashed, so the store never holds one), else its IP. */
function tracker(request: IncomingMessage): string {
  const key = request.headers['x-api-key'];
  if (typeof key === 'string') return `key:${createHash('sha256').update(key).digest('hex')}`;
  return `ip:${normalizeIp(request.socket.remoteAddress ?? '', 64)}`;
}

/**
 * One budget per API key (per client IP without one) across every route, the docs included,
 * counted in @nestjs/throttler's store. A gate rather than the throttler's guard, so that it
 * also covers routes that are not controllers (/docs*) and runs before the body is read: a
 * client over its budget costs no parsing. Answers carry the throttler's X-RateLimit-* headers
 * and, once limited, Retry-After. Counters live in each process: with N replicas a client gets
 * up to N × the limit.
 */
export function rateLimitGate(storage: ThrottlerStorageService, { ttl, limit }: RateLimit): Gate {
  const refusal = new ThrottlerException(
    `rate limit exceeded: at most ${limit} requests per ${ttl} ms`,
  );
  return async (request, response) => {
    if (UNLIMITED.test(request.url ?? '/')) return undefined;
    const { totalHits, timeToExpire, isBlocked, timeToBlockExpire } = await storage.increment(
      tracker(request),
      ttl,
      limit,
      ttl,
      'default',
    );
    response.setHeader('x-ratelimit-limit', limit);
    response.setHeader('x-ratelimit-remaining', Math.max(0, limit - totalHits));
    response.setHeader('x-ratelimit-reset', timeToExpire);
    if (!isBlocked) return undefined;
    response.setHeader('retry-after', timeToBlockExpire);
    return refusal;
  };
}
