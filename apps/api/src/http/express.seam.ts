import { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestException, NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import getRawBody from 'raw-body';
import { Doorway, HTTP_METHODS, HttpSeam } from './http-seam';
import { answerClientError, createNodeServer, MessageClasses } from './node-server';
import type { NextFunction } from './node-request';
import { pathOf } from './path-of';
import {
  BodyLimits,
  bodyLimitFor,
  isJsonType,
  bodyFor,
  tooLarge,
  unsupportedEncoding,
  unsupportedType,
} from './request-body';
import { stampingHeads } from './stamped-response';

/**
 * Request and response classes whose instances are born with Express's prototypes, so the
 * `Object.setPrototypeOf(req, app.request)` Express makes on every request finds nothing to
 * change. Changing an object's prototype after it was made kept each request's objects alive
 * through the next young-generation GC: at 1,000 req/s a bare Express app promoted 1.3 MB to
 * the old generation per scavenge (2 KB with these classes), and the major GCs that followed
 * set the service's p99 at 17–29 ms (5 ms on fastify, whose requests keep their prototype).
 * The responses stamp the service's standing headers (stampingHeads): the method is their class's
 * own, so it stays when that class's prototype is replaced by Express's.
 */
export function bornExpressMessages(express: Express): MessageClasses {
  class ExpressRequest extends IncomingMessage {}
  const ExpressResponse = stampingHeads(ServerResponse);
  Object.setPrototypeOf(ExpressRequest.prototype, express.request);
  Object.setPrototypeOf(ExpressResponse.prototype, express.response);
  express.request = ExpressRequest.prototype as Express['request'];
  express.response = ExpressResponse.prototype as Express['response'];
  return { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse };
}

/** Nest's Express adapter on the service's Node server, without Express's per-response extras. */
class ServiceExpressAdapter extends ExpressAdapter {
  constructor(
    private readonly requestTimeoutMs: number,
    private readonly door: Doorway,
  ) {
    super();
    const express = this.getInstance<Express>();
    express.disable('x-powered-by');
    // An ETag costs a hash of every body, and no client revalidates an analysis.
    express.set('etag', false);
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions !== undefined) return super.initHttpServer(options);
    const express = this.getInstance<Express>();
    const server = createNodeServer(
      this.door.wrap(express),
      this.requestTimeoutMs,
      bornExpressMessages(express),
    );
    server.on('clientError', answerClientError);
    this.setHttpServer(server);
  }
}

/** What the router (Express 5's `router` package) keeps per layer; its typings omit `match`. */
interface RouterLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/** Methods whose requests may carry a body this service reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/** raw-body's refusals, in the service's words. */
function readError(error: { type?: string; message?: string }, limit: number): unknown {
  if (error.type === 'entity.too.large') return tooLarge(limit);
  if (error.type === 'request.size.invalid') {
    return new BadRequestException('the body did not match its Content-Length');
  }
  // An aborted upload reaches the filter as the client's business, not as a fault.
  return error;
}

/**
 * The body as fastify would take it: only for methods with a body, only application/json and
 * uncompressed, read up to the route's limit (a declared Content-Length over it is refused
 * before a byte is read), then parsed strictly.
 */
function jsonBody(limits: BodyLimits) {
  return (
    request: IncomingMessage & { body?: unknown },
    _response: ServerResponse,
    next: NextFunction,
  ): void => {
    if (!BODY_METHODS.has(request.method ?? '')) return next();
    const contentType = request.headers['content-type'];
    if (contentType === undefined && !hasBody(request)) return next();
    const refusal = unsupportedEncoding(request.headers['content-encoding']);
    if (refusal !== undefined) return next(refusal);
    if (!isJsonType(contentType)) return next(unsupportedType(contentType));
    const path = pathOf(request.url ?? '/');
    const limit = bodyLimitFor(path, limits);
    getRawBody(request, { length: request.headers['content-length'], limit }).then(
      (body) => {
        try {
          request.body = bodyFor(path, body);
        } catch (error) {
          return next(error);
        }
        next();
      },
      (error: { type?: string }) => next(readError(error, limit)),
    );
  };
}

export const EXPRESS_SEAM: HttpSeam = {
  name: 'express',

  createAdapter(requestTimeoutMs, door) {
    return new ServiceExpressAdapter(requestTimeoutMs, door);
  },

  installBodyParsing(app, limits) {
    app.use(jsonBody(limits));
  },

  routeOf(request) {
    const route = (request as IncomingMessage & { route?: { path: string } }).route;
    return route?.path ?? null;
  },

  allowedMethods(adapter, path) {
    const express = adapter.getInstance<Express>();
    const allowed = new Set<string>();
    for (const layer of express.router.stack as unknown as RouterLayer[]) {
      if (layer.route === undefined || !layer.match(path)) continue;
      for (const method of Object.keys(layer.route.methods)) allowed.add(method.toUpperCase());
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return HTTP_METHODS.filter((method) => allowed.has(method));
  },

  async ready() {},
};
