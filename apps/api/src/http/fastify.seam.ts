import type { IncomingMessage, RequestListener } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, PROBLEM_JSON } from '@app/contract';
import { requestId } from '../logging/request-log';
import { HTTP_METHODS, HttpSeam } from './http-seam';
import { answerClientError, createNodeServer } from './node-server';
import { pathOf } from './path-of';
import {
  BodyLimits,
  bodyLimitFor,
  bodyFor,
  unsupportedEncoding,
  unsupportedType,
} from './request-body';
import { BAD_URL_MESSAGE } from './request-path';

/** The fastify request behind a Node request, for its route pattern. */
const FASTIFY_REQUEST = Symbol('fastifyRequest');

type LinkedRequest = IncomingMessage & { [FASTIFY_REQUEST]?: FastifyRequest };

function instance(app: INestApplication): FastifyInstance {
  return (app as NestFastifyApplication).getHttpAdapter().getInstance();
}

/**
 * Errors fastify raises while routing, before any hook: the service's own words (and headers,
 * as every response: StampedResponse), not the framework's code. The front door refuses broken
 * percent-encodings first; this is the backstop for what it does not know.
 */
function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const url = error.code === 'FST_ERR_BAD_URL';
  void reply
    .header('content-type', `${PROBLEM_JSON}; charset=utf-8`)
    .status(400)
    .send(problem(400, url ? BAD_URL_MESSAGE : 'the request is not valid'));
}

export const FASTIFY_SEAM: HttpSeam = {
  name: 'fastify',

  createAdapter(requestTimeoutMs, door) {
    const adapter = new FastifyAdapter({
      // Fastify's request id is the front door's (a client's plain x-request-id, else a UUID).
      genReqId: requestId,
      requestIdHeader: false,
      // Requests on open connections keep being served while the service drains:
      // ConnectionDrain closes those connections instead of answering 503.
      return503OnClosing: false,
      frameworkErrors: answerFrameworkError,
      clientErrorHandler: answerClientError,
      serverFactory: (handler: RequestListener) =>
        createNodeServer(door.wrap(handler), requestTimeoutMs),
    });
    adapter.getInstance().addHook('onRequest', (request, _reply, done) => {
      (request.raw as LinkedRequest)[FASTIFY_REQUEST] = request;
      done();
    });
    return adapter;
  },

  installBodyParsing(app, limits: BodyLimits) {
    const fastify = instance(app);
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const refusal = unsupportedEncoding(request.headers['content-encoding']);
      if (refusal === undefined) done(null, payload);
      else done(refusal);
    });
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: limits.body },
      (request, body: Buffer, done) => {
        try {
          done(null, bodyFor(pathOf(request.url), body));
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );
    fastify.addContentTypeParser('*', (request, _payload, done) =>
      done(unsupportedType(request.headers['content-type']), undefined),
    );
    fastify.addHook('onRoute', (route) => {
      route.bodyLimit = bodyLimitFor(route.url, limits);
    });
  },

  routeOf(request) {
    return (request as LinkedRequest)[FASTIFY_REQUEST]?.routeOptions.url ?? null;
  },

  allowedMethods(adapter, path) {
    const fastify = adapter.getInstance<FastifyInstance>();
    return HTTP_METHODS.filter((method) => fastify.hasRoute({ method, url: path }));
  },

  async ready(app) {
    await instance(app).ready();
  },
};
