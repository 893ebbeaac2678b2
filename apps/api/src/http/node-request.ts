import type { IncomingMessage } from 'node:http';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** What a middleware calls to go on, or to hand an error to the exception filter. */
export type NextFunction = (error?: unknown) => void;

/**
 * The request as Node made it, whichever adapter serves: Express's request is Node's own
 * object, fastify's wraps it as `raw`. Controllers and telemetry take this, never a
 * framework's type.
 */
export function nodeRequestOf(request: unknown): IncomingMessage {
  const raw = (request as { raw?: unknown }).raw;
  return (raw instanceof Object ? raw : request) as IncomingMessage;
}

/** `@NodeRequest() request: IncomingMessage` in a handler's parameters. */
export const NodeRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IncomingMessage =>
    nodeRequestOf(context.switchToHttp().getRequest<unknown>()),
);
