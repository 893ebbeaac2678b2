import { HttpException, HttpStatus } from '@nestjs/common';
import { matchedKey } from './api-key.gate';
import type { ClientAddress } from './client-address';
import type { Gate } from './front-door';
import { setLimitHeaders } from './rate-limit-headers';
import type { SlidingWindowLimiter } from './sliding-window';

/** Probes and scrapers are never limited. */
const UNLIMITED = /^\/(health|metrics)(\/|$|\?)/;

/**
 * One budget per configured API key (its index, never the header) and, for requests without one
 * (API_KEYS unset, the public docs, a preflight), per client address: never by anything a client
 * may choose freely, such as an unchecked key. Counted in a bounded sliding-window counter; a
 * gate rather than a guard, so it covers /docs* too and runs before the body is read. Besides
 * the draft's RateLimit fields, the X-RateLimit-* fields carry the same numbers for older
 * clients. Counters live in each process: with N processes a client gets up to N × the limit.
 */
export function rateLimitGate(limiter: SlidingWindowLimiter, addressOf: ClientAddress): Gate {
  const refusal = new HttpException(
    `rate limit exceeded: at most ${limiter.limit} requests per ${limiter.windowMs} ms`,
    HttpStatus.TOO_MANY_REQUESTS,
  );
  return (request, response) => {
    if (UNLIMITED.test(request.url ?? '/')) return undefined;
    const key = matchedKey(request);
    const verdict = limiter.take(key === undefined ? `ip ${addressOf(request)}` : `key ${key}`);
    setLimitHeaders(response, 'default', limiter, verdict);
    response.setHeader('x-ratelimit-limit', limiter.limit);
    response.setHeader('x-ratelimit-remaining', verdict.remaining);
    response.setHeader('x-ratelimit-reset', verdict.reset);
    return verdict.allowed ? undefined : refusal;
  };
}
