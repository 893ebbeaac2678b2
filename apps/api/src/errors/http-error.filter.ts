import { STATUS_CODES } from 'node:http';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Problem, problem, PROBLEM_JSON } from '@app/contract';
import { HTTP_SEAM, HttpSeam } from '../http/http-seam';
import { nodeRequestOf } from '../http/node-request';
import { pathOf } from '../http/path-of';
import {
  BODY_LIMITS,
  BodyLimits,
  bodyLimitFor,
  tooLarge,
  unsupportedEncoding,
  unsupportedType,
} from '../http/request-body';
import { problemOf } from './problem-response';

/** An upload the client abandoned: there is nobody left to answer. */
function clientWentAway(exception: unknown): boolean {
  const code = (exception as { code?: unknown } | null)?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    (exception as { type?: unknown } | null)?.type === 'request.aborted' ||
    (exception instanceof Error && exception.message === 'aborted')
  );
}

/** Terminus's body for a failing health check: `{status: 'error', info, error, details}`. */
function isHealthReport(body: unknown): boolean {
  const report = body as { status?: unknown; details?: unknown } | null;
  return (
    typeof report === 'object' &&
    report !== null &&
    report.status === 'error' &&
    typeof report.details === 'object'
  );
}

/** The 4xx status of an error the framework raised itself (fastify's FST_*, Express's http-errors). */
function frameworkStatus(exception: unknown): number | undefined {
  const { statusCode, status } = (exception ?? {}) as { statusCode?: unknown; status?: unknown };
  const code = typeof statusCode === 'number' ? statusCode : status;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : undefined;
}

/**
 * Every error answers RFC 9457 problem details (`application/problem+json`) in the service's
 * own words, on either adapter, whether Nest, a pipe, a middleware or the framework raised it.
 * Anything else is a bug: it is logged and answered with a bare 500, never with its internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(HTTP_SEAM) private readonly seam: HttpSeam,
    @Inject(BODY_LIMITS) private readonly limits: BodyLimits,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const http = host.switchToHttp();
    const response = http.getResponse<unknown>();
    const request = http.getRequest<unknown>();
    if (clientWentAway(exception)) {
      // The client hung up mid-upload: its business, not a fault of the service.
      this.logger.debug(`request aborted by the client: ${(exception as Error).message}`);
      return;
    }
    if (adapter.isHeadersSent(response)) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
      return;
    }
    const path = pathOf(String(adapter.getRequestUrl(request) ?? '/'));
    if (exception instanceof NotFoundException) {
      const allowed = this.seam.allowedMethods(adapter, path);
      if (allowed.length > 0) {
        const method = String(adapter.getRequestMethod(request));
        adapter.setHeader(response, 'allow', allowed.join(', '));
        this.answer(
          response,
          problem(405, `${method} is not allowed on this path; use ${allowed.join(' or ')}`),
        );
        return;
      }
    }
    const status =
      exception instanceof HttpException ? exception.getStatus() : frameworkStatus(exception);
    // A 413 or 415 is about the body, whoever noticed (a parser, the framework): it is worded
    // from the request, the same on either adapter.
    const headers = nodeRequestOf(request).headers;
    const known =
      status === 413
        ? tooLarge(bodyLimitFor(path, this.limits))
        : status === 415
          ? (unsupportedEncoding(headers['content-encoding']) ??
            unsupportedType(headers['content-type']))
          : exception instanceof HttpException
            ? exception
            : status !== undefined
              ? new HttpException(
                  status === 400 ? 'the request is not valid' : (STATUS_CODES[status] ?? 'refused'),
                  status,
                )
              : undefined;
    if (known !== undefined && isHealthReport(known.getResponse())) {
      // A failing readiness probe answers 503 with its report (terminus's), not a problem.
      adapter.reply(response, known.getResponse(), known.getStatus());
      return;
    }
    if (known !== undefined) {
      this.answer(response, problemOf(known));
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    this.answer(response, problem(500, 'internal error'));
  }

  private answer(response: unknown, body: Problem): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'content-type', `${PROBLEM_JSON}; charset=utf-8`);
    // Serialized here: given an object, Nest's Express adapter would reset an error's content
    // type to application/json.
    adapter.reply(response, JSON.stringify(body), body.status);
  }
}
