import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpException, HttpStatus, UnauthorizedException } from '@nestjs/common';
import type { ClientAddress } from './client-address';
import type { Gate } from './front-door';
import { setLimitHeaders } from './rate-limit-headers';
import type { SlidingWindowLimiter } from './sliding-window';

const OPEN_PATHS = /^\/health(\/|$|\?)/;
const DOC_PATHS = /^\/(docs|metrics)(\/|-json|-yaml|$|\?)/;
const MATCHED = Symbol('matchedKey');

type Keyed = IncomingMessage & { [MATCHED]?: number };

/** One-shot `hash`: half the time of a `createHash` object per request. */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** The index in API_KEYS of the key this request presented, once the gate matched one. */
export function matchedKey(request: IncomingMessage): number | undefined {
  return (request as Keyed)[MATCHED];
}

/** Failed authentications counted per client address (AUTH_FAILURE_MAX per minute). */
export interface FailureBudget {
  readonly limiter: SlidingWindowLimiter;
  readonly addressOf: ClientAddress;
}

/**
 * With API_KEYS set, every route except /health* needs one of the keys in `x-api-key`; the docs
 * and /metrics too unless PUBLIC_DOCS. A CORS preflight passes (browsers never send
 * credentials on one). Keys are compared as SHA-256 digests with timingSafeEqual, so neither a
 * key's content nor its length leaks through timing. It runs before the body is read: an
 * unauthenticated client costs no parsing. With a failure budget, an address that has spent it
 * is answered 429 before any key is compared, whatever it sends, until the budget refills.
 */
export function apiKeyGate(
  keys: readonly string[],
  publicDocs: boolean,
  failures?: FailureBudget,
): Gate {
  const digests = keys.map(digest);
  const open = (request: IncomingMessage): boolean => {
    const url = request.url ?? '/';
    if (OPEN_PATHS.test(url) || (publicDocs && DOC_PATHS.test(url))) return true;
    return (
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined
    );
  };
  /** The index of the key sent, or -1; every key is compared, so timing says nothing of which. */
  const match = (request: IncomingMessage): number => {
    const header = request.headers['x-api-key'];
    if (typeof header !== 'string') return -1;
    const candidate = digest(header);
    let index = -1;
    digests.forEach((key, i) => {
      if (timingSafeEqual(candidate, key)) index = i;
    });
    return index;
  };
  const refusal = new UnauthorizedException('missing or invalid x-api-key header');
  const blocked = new HttpException(
    `too many failed authentications from this address: at most ${failures?.limiter.limit} per minute`,
    HttpStatus.TOO_MANY_REQUESTS,
  );
  return (request, response) => {
    if (open(request)) return undefined;
    const address = failures?.addressOf(request);
    if (failures !== undefined && address !== undefined) {
      const budget = failures.limiter.peek(address);
      if (!budget.allowed) {
        setLimitHeaders(response, 'auth', failures.limiter, budget);
        return blocked;
      }
    }
    const index = match(request);
    if (index >= 0) {
      (request as Keyed)[MATCHED] = index;
      return undefined;
    }
    if (failures !== undefined && address !== undefined) {
      setLimitHeaders(response, 'auth', failures.limiter, failures.limiter.take(address));
    }
    return refusal;
  };
}
