import { randomUUID } from 'node:crypto';
import { createServer, RequestListener, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { Env, validateEnv } from '../config/env.config';
import { registerApiKeyCheck } from './api-key.hook';
import { registerJsonBody } from './json-body.parser';
import { helmetHeaders, HELMET_OPTIONS, registerSecurityHeaders } from './security-headers.hook';
import { registerRequestLog, requestId, ROOT_LOGGER } from './logging';
import { MetricsService } from '../metrics/metrics.service';
import { setupSwagger } from './swagger';

const SECURITY_HEADERS = helmetHeaders(HELMET_OPTIONS);

/**
 * Requests Node's parser refuses before any framework sees them (a head too large, bytes that
 * are not HTTP, one that took too long) answered in the service's words, with its headers.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time']
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    `x-request-id: ${randomUUID()}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** A request's head must arrive within this (or REQUEST_TIMEOUT_MS, if shorter). */
const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node looks for requests past their time; its default is 30 s. */
const TIMEOUT_CHECK_MS = 1000;

/** Options for NestFactory.create: Nest's own body parser is replaced by the strict one. */
export const NEST_APP_OPTIONS = {
  bufferLogs: true,
  bodyParser: false,
  abortOnError: false,
} as const;

/**
 * Fastify names each request (the request log carries that id; a client's plain x-request-id
 * is kept and echoed) and keeps serving requests that arrive on open connections while the
 * service drains, instead of answering them 503: ConnectionDrain closes those connections.
 */
export function createAdapter(): FastifyAdapter {
  const { REQUEST_TIMEOUT_MS } = validateEnv(process.env);
  const adapter = new FastifyAdapter({
    genReqId: requestId,
    requestIdHeader: false,
    return503OnClosing: false,
    // Errors fastify raises before routing (a broken percent-encoding in the URL) get the
    // service's own words and headers, not the framework's code.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const url = error.code === 'FST_ERR_BAD_URL';
      void reply
        .headers(SECURITY_HEADERS)
        .header('x-request-id', request.id)
        .status(400)
        .send({
          statusCode: 400,
          error: 'Bad Request',
          message: url ? 'the URL is not valid: it has a broken percent-encoding' : error.message,
        });
    },
    clientErrorHandler: answerClientError,
    // Node answers 408 to a request whose head (within HEADERS_TIMEOUT_MS) or whole body
    // (within REQUEST_TIMEOUT_MS) has not arrived: a stalled upload cannot hold memory forever.
    serverFactory: (handler: RequestListener) =>
      createServer(
        {
          requestTimeout: REQUEST_TIMEOUT_MS,
          headersTimeout: Math.min(HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS),
          connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, REQUEST_TIMEOUT_MS),
        },
        handler,
      ),
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  return adapter;
}

/** The batch route takes bodies up to BATCH_BODY_LIMIT; every other route BODY_LIMIT. */
const BATCH_ROUTE = '/analyze-engagement/batch';

function registerBatchBodyLimit(fastify: FastifyInstance, limit: number): void {
  fastify.addHook('onRoute', (route) => {
    if (route.url === BATCH_ROUTE) route.bodyLimit = limit;
  });
}

/** Request durations by route pattern (not raw URL, which would explode the label set). */
function registerRequestMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** Everything main.ts and the e2e tests both need on a created application, before init. */
export function configureApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(Logger));
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLog(fastify, app.get<PinoLogger>(ROOT_LOGGER, { strict: false }));
  registerSecurityHeaders(fastify);
  const origins = env.get('CORS_ORIGINS', { infer: true });
  if (origins.length > 0) {
    app.enableCors({ origin: origins.includes('*') ? true : origins, maxAge: 600 });
  }
  registerApiKeyCheck(
    fastify,
    env.get('API_KEYS', { infer: true }),
    env.get('PUBLIC_DOCS', { infer: true }),
  );
  registerRequestMetrics(fastify, app.get(MetricsService));
  registerJsonBody(fastify, env.get('BODY_LIMIT', { infer: true }));
  registerBatchBodyLimit(fastify, env.get('BATCH_BODY_LIMIT', { infer: true }));
  setupSwagger(app);
}
