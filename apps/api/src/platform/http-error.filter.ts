import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The methods the request's path answers to, when it exists with other methods. */
function allowedMethods(request: FastifyRequest): string[] {
  const url = request.url.split('?')[0];
  return METHODS.filter((method) => request.server.hasRoute({ method, url }));
}

/** An upload the client abandoned: there is nobody left to answer. */
function clientWentAway(exception: unknown): boolean {
  const code = (exception as { code?: unknown } | null)?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    (exception instanceof Error && exception.message === 'aborted')
  );
}

/**
 * Every error answers `{statusCode, error, message, ...}` as JSON, whether Nest, a pipe or fastify
 * (body too large, wrong media type) raised it. Anything that is not an HttpException is a bug:
 * it is logged and answered with a bare 500, never with its internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof NotFoundException) {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      const allowed = allowedMethods(request);
      if (allowed.length > 0) {
        void reply
          .status(405)
          .header('allow', allowed.join(', '))
          .send({
            statusCode: 405,
            error: STATUS_CODES[405],
            message: `${request.method} is not allowed on this path; use ${allowed.join(' or ')}`,
          });
        return;
      }
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const body = typeof response === 'string' ? { message: response } : response;
      void reply.status(statusCode).send({ statusCode, error: STATUS_CODES[statusCode], ...body });
      return;
    }
    if (clientWentAway(exception)) {
      // The client hung up mid-upload: its business, not a fault of the service.
      this.logger.debug(`request aborted by the client: ${(exception as Error).message}`);
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    void reply
      .status(500)
      .send({ statusCode: 500, error: STATUS_CODES[500], message: 'internal error' });
  }
}
