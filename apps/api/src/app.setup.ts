import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import type { HandedOverState } from '@app/engagement';
import { AppModule } from './app.module';
import { Env, validateEnv } from './config/env.config';
import { setupSwagger } from './docs/swagger';
import { Admission } from './front-door/admission.gate';
import { apiKeyGate } from './front-door/api-key.gate';
import { clientAddress } from './front-door/client-address';
import { corsGate, corsHandler } from './front-door/cors.gate';
import { FrontDoor, Gate } from './front-door/front-door';
import { rateLimitGate } from './front-door/rate-limit.gate';
import { SlidingWindowLimiter } from './front-door/sliding-window';
import { HTTP_SEAM, HttpSeam } from './http/http-seam';
import { seamFor } from './http/seams';
import { ROOT_LOGGER } from './logging/root-logger';
import { MetricsService } from './metrics/metrics.service';
import type { Lifecycle } from './process/lifecycle';

/** Options for NestFactory.create: Nest's own body parser is replaced by the strict one. */
export const NEST_APP_OPTIONS = {
  bufferLogs: true,
  bodyParser: false,
  abortOnError: false,
} as const;

export interface HttpStack {
  readonly adapter: AbstractHttpAdapter;
  /** Configured by configureApp once the application exists. */
  readonly door: FrontDoor;
}

/** The adapter HTTP_ADAPTER names, on a Node server with the service's timeouts and front door. */
export function createHttpStack(): HttpStack {
  const env = validateEnv(process.env);
  const door = new FrontDoor();
  return { adapter: seamFor(env.HTTP_ADAPTER).createAdapter(env.REQUEST_TIMEOUT_MS, door), door };
}

/**
 * The service as it runs: the app on HTTP_ADAPTER, configured, not yet listening; its engine
 * starts from `startFrom` when given (a replacement worker's), else from the files.
 */
export async function createApp(
  lifecycle?: Lifecycle,
  startFrom?: HandedOverState,
): Promise<INestApplication> {
  const http = createHttpStack();
  const app = await NestFactory.create(
    AppModule.forRoot(lifecycle, startFrom),
    http.adapter,
    NEST_APP_OPTIONS,
  );
  configureApp(app, http.door);
  return app;
}

/**
 * Everything main.ts and the e2e tests both need on a created application, before init, in the
 * order a request meets it: the front door (its id, headers and log line; admission control,
 * the API key and the rate limit, before any body is read), CORS, the body, then the routes.
 */
export function configureApp(app: INestApplication, door: FrontDoor): void {
  app.useLogger(app.get(Logger));
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  const seam = app.get<HttpSeam>(HTTP_SEAM);
  const gates: Gate[] = [];
  // CORS first, so that the other gates' refusals can be read by a browser too.
  const origins = env.get('CORS_ORIGINS', { infer: true });
  const cors = origins.length > 0 ? corsHandler(origins) : undefined;
  if (cors !== undefined) gates.push(corsGate(cors));
  // Then admission: under overload a request is refused before anything else is spent on it.
  const admission = app.get(Admission);
  gates.push(admission.gate);
  const addressOf = clientAddress(env.get('TRUST_PROXY', { infer: true }));
  const clients = env.get('RATE_LIMIT_CLIENTS', { infer: true });
  const keys = env.get('API_KEYS', { infer: true });
  if (keys.length > 0) {
    const failures = env.get('AUTH_FAILURE_MAX', { infer: true });
    const limiter = new SlidingWindowLimiter(failures, 60_000, clients);
    const budget = failures > 0 ? { limiter, addressOf } : undefined;
    gates.push(apiKeyGate(keys, env.get('PUBLIC_DOCS', { infer: true }), budget));
  }
  const limit = env.get('RATE_LIMIT_MAX', { infer: true });
  if (limit > 0) {
    const ttl = env.get('RATE_LIMIT_TTL', { infer: true });
    gates.push(rateLimitGate(new SlidingWindowLimiter(limit, ttl, clients), addressOf));
  }
  door.configure({
    logger: app.get<PinoLogger>(ROOT_LOGGER, { strict: false }),
    // The metrics record each response's duration, by route pattern.
    observer: app.get(MetricsService),
    routeOf: (request) => seam.routeOf(request),
    gates,
    start: (request, response, run) => admission.start(request, response, run),
  });
  // The cors package on both adapters (Nest's enableCors picks a different one for fastify,
  // which answers a stray OPTIONS differently): the same headers and answers either way. Other
  // requests had theirs set in the front door.
  if (cors !== undefined) {
    app.use((request: IncomingMessage, response: ServerResponse, next: () => void) =>
      request.method === 'OPTIONS' ? cors(request, response, next) : next(),
    );
  }
  seam.installBodyParsing(app, {
    body: env.get('BODY_LIMIT', { infer: true }),
    batch: env.get('BATCH_BODY_LIMIT', { infer: true }),
  });
  setupSwagger(app);
}
