import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { Gate } from './front-door';

/**
 * What a browser script may read of an answer beyond the safelisted fields: when to retry, the
 * rate limit's state and the request id to quote.
 */
export const EXPOSED_HEADERS = [
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-request-id',
] as const;

export type CorsHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** The cors package's handler for CORS_ORIGINS (`*` allows any origin). */
export function corsHandler(origins: readonly string[]): CorsHandler {
  return cors({
    origin: origins.includes('*') ? true : [...origins],
    maxAge: 600,
    exposedHeaders: [...EXPOSED_HEADERS],
  });
}

const ignore = () => undefined;

/**
 * Sets the CORS fields of an actual (non-OPTIONS) request first thing in the front door, so the
 * gates' own answers (401, 429) carry them too and a browser can read their status and
 * Retry-After. With static origins the cors package answers synchronously. Preflights are left
 * to the cors middleware behind the door, which answers them 204.
 */
export function corsGate(handler: CorsHandler): Gate {
  return (request, response) => {
    if (request.method !== 'OPTIONS') handler(request, response, ignore);
    return undefined;
  };
}
