import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';

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
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const body = typeof response === 'string' ? { message: response } : response;
      void reply.status(statusCode).send({ statusCode, error: STATUS_CODES[statusCode], ...body });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    void reply
      .status(500)
      .send({ statusCode: 500, error: STATUS_CODES[500], message: 'internal error' });
  }
}
