import type { ServerResponse } from 'node:http';
import type { RateVerdict, SlidingWindowLimiter } from './sliding-window';

/**
 * The RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers-10 for one
 * policy, and Retry-After once refused: its `t` is then the Retry-After, so the two agree.
 */
export function setLimitHeaders(
  response: ServerResponse,
  policy: string,
  limiter: SlidingWindowLimiter,
  verdict: RateVerdict,
): void {
  const window = Math.ceil(limiter.windowMs / 1000);
  response.setHeader('ratelimit-policy', `"${policy}";q=${limiter.limit};w=${window}`);
  response.setHeader('ratelimit', `"${policy}";r=${verdict.remaining};t=${verdict.reset}`);
  if (!verdict.allowed) response.setHeader('retry-after', verdict.reset);
}
