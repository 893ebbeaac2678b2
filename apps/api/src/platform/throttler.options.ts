import { createHash } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';

/**
 * Rate limits per API key when the client sends one (hashed: the limiter's store never holds a
 * key), else per client IP, one budget across all routes. Health probes are never limited. Installed only when
 * RATE_LIMIT_MAX > 0.
 * Counters live in each process: with N replicas a client gets up to N × the limit.
 */
export function throttlerOptions(ttl: number, limit: number): ThrottlerModuleOptions {
  return {
    throttlers: [{ name: 'default', ttl, limit }],
    errorMessage: `rate limit exceeded: at most ${limit} requests per ${ttl} ms`,
    skipIf: (context: ExecutionContext) =>
      context.switchToHttp().getRequest<FastifyRequest>().url.startsWith('/health'),
    // One budget per client across every route: the guard's default key adds the route.
    generateKey: (_context: ExecutionContext, tracker: string, name: string) =>
      `${name}:${tracker}`,
    getTracker: (req: Record<string, unknown>) => {
      const request = req as unknown as FastifyRequest;
      const key = request.headers['x-api-key'];
      return typeof key === 'string'
        ? `key:${createHash('sha256').update(key).digest('hex')}`
        : `ip:${request.ip}`;
    },
  };
}
