import type { IncomingMessage, ServerResponse } from 'node:http';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** What a middleware calls to go on, or to hand an error to the exception filter. */
export type NextFunction = (error?: unknown) => void;

/**
 * The request as Node made it, whichever adapter serves: Express's request is Node's own
 * object, fastify's wraps it as `raw`. Controllers and telemetry take this, never a
 * framework's type.
 */
export function nodeRequestOf(request: unknown): IncomingMessage {
  return rawOf(request) as IncomingMessage;
}

/** `@NodeRequest() request: IncomingMessage` in a handler's parameters. */
export const NodeRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IncomingMessage =>
    nodeRequestOf(context.switchToHttp().getRequest<unknown>()),
);

/** The response as Node made it: Express's is Node's own object, fastify's reply wraps it as `raw`. */
export function nodeResponseOf(response: unknown): ServerResponse {
  return rawOf(response) as ServerResponse;
}

/**
 * A framework's wrapper's `raw` object, or the object itself. Not `instanceof Object`: Node's
 * objects may come from another realm than the caller's (as under jest).
 */
function rawOf(wrapper: unknown): unknown {
  const raw = (wrapper as { raw?: unknown }).raw;
  return typeof raw === 'object' && raw !== null ? raw : wrapper;
}

/** `@NodeResponse() response: ServerResponse` in a handler's parameters; the handler still returns. */
export const NodeResponse = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ServerResponse =>
    nodeResponseOf(context.switchToHttp().getResponse<unknown>()),
);
