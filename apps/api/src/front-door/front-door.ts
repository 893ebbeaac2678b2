import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { HttpException } from '@nestjs/common';
import { problem } from '@app/contract';
import type { Logger } from 'pino';
import { problemOf, sendProblem } from '../errors/problem-response';
import { pathProblem } from '../http/request-path';
import { logRequest, requestId, requestLineLogger } from '../logging/request-log';
import type { RequestObserver } from './request-observer';

/**
 * A check a request must pass before the framework sees it (the API key, the rate limit): an
 * exception refuses it, answered with the same problem details the exception filter writes;
 * undefined lets it through.
 */
export type Gate = (
  request: IncomingMessage,
  response: ServerResponse,
) => HttpException | undefined | Promise<HttpException | undefined>;

export interface FrontDoorOptions {
  readonly logger: Logger;
  /** Told of every response once it is done (the metrics, for its duration). */
  readonly observer: RequestObserver;
  /** The matched route pattern once the response is done (the adapter's seam knows it). */
  readonly routeOf: (request: IncomingMessage) => string | null;
  /** In order; each runs only if those before it let the request through. */
  readonly gates: readonly Gate[];
  /** Starts a request every gate let through (admission's turn queue); default: at once. */
  readonly start?: (request: IncomingMessage, response: ServerResponse, run: () => void) => void;
}

/**
 * Every request passes here first, on either adapter, in the Node server's own request
 * listener: when its response is done it gets its log line and its duration metric (labelled
 * by route pattern, not raw URL, which would explode the label set), under the request's id
 * (requestId), which its response echoes in `x-request-id` with the security headers
 * (StampedResponse, as the head is written). A path that does not decode or has dot
 * segments is refused, then each gate may refuse it, all before the framework reads a byte of
 * the body.
 *
 * Why here and not as Nest middleware: on fastify, Nest runs middleware through @fastify/middie
 * (under the same load, moving these concerns out of it took fastify from 3,760 to 3,880 req/s),
 * and on Express each `app.use` is one more router layer walked per request. The Node listener
 * is below both frameworks, so this is written once and costs the same on each.
 */
export class FrontDoor {
  private options: (FrontDoorOptions & { readonly requestLines: Logger }) | undefined;

  /** Set once the application exists (the logger and observer come from it); until then, a pass-through. */
  configure(options: FrontDoorOptions): void {
    this.options = { ...options, requestLines: requestLineLogger(options.logger) };
  }

  /** The framework's request listener, behind the door. */
  wrap(handler: RequestListener): RequestListener {
    return (request, response) => {
      const options = this.options;
      if (options === undefined) return void handler(request, response);
      const started = performance.now();
      response.once('close', () => {
        const milliseconds = performance.now() - started;
        const route = options.routeOf(request);
        options.observer.requestDone(
          request.method ?? 'GET',
          route ?? 'unmatched',
          response.statusCode,
          milliseconds / 1000,
        );
        logRequest(options.requestLines, request, response, route, milliseconds);
      });
      const badPath = pathProblem(request.url ?? '/');
      if (badPath !== undefined) return sendProblem(response, problemOf(badPath));
      this.pass(options, 0, request, response, handler);
    };
  }

  private pass(
    options: FrontDoorOptions,
    index: number,
    request: IncomingMessage,
    response: ServerResponse,
    handler: RequestListener,
  ): void {
    const gates = options.gates;
    for (let i = index; i < gates.length; i++) {
      const verdict = gates[i](request, response);
      if (verdict instanceof Promise) {
        verdict.then(
          (refusal) =>
            refusal === undefined
              ? this.pass(options, i + 1, request, response, handler)
              : sendProblem(response, problemOf(refusal)),
          (error: unknown) => {
            // A gate that fails (its store, say) is the service's fault, not the client's.
            options.logger.error({ err: error, req: { id: requestId(request) } }, 'a gate failed');
            sendProblem(response, problem(500, 'internal error'));
          },
        );
        return;
      }
      if (verdict !== undefined) return sendProblem(response, problemOf(verdict));
    }
    if (options.start === undefined) return handler(request, response);
    options.start(request, response, () => handler(request, response));
  }
}
