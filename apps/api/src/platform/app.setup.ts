import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import cors from 'cors';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { Env, validateEnv } from '../config/env.config';
import { MetricsService } from '../metrics/metrics.service';
import { apiKeyCheck } from './api-key.middleware';
import { HTTP_SEAM, HttpSeam } from './http-seam';
import { ROOT_LOGGER } from './logging';
import { rateLimit } from './rate-limit.middleware';
import { requestContext } from './request-context';
import { seamFor } from './seams';
import { setupSwagger } from './swagger';

/** Options for NestFactory.create: Nest's own body parser is replaced by the strict one. */
export const NEST_APP_OPTIONS = {
  bufferLogs: true,
  bodyParser: false,
  abortOnError: false,
} as const;

/** The adapter HTTP_ADAPTER names, on a Node server with the service's timeouts. */
export function createAdapter(): AbstractHttpAdapter {
  const env = validateEnv(process.env);
  return seamFor(env.HTTP_ADAPTER).createAdapter(env.REQUEST_TIMEOUT_MS);
}

/**
 * Everything main.ts and the e2e tests both need on a created application, before init, in the
 * order a request meets it: its id, headers and log line; CORS (a preflight needs no key); the
 * API key and the rate limit, before any body is read; the body; then the routes.
 */
export function configureApp(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  const seam = app.get<HttpSeam>(HTTP_SEAM);
  app.use(
    requestContext({
      logger: app.get<PinoLogger>(ROOT_LOGGER, { strict: false }),
      metrics: app.get(MetricsService),
      routeOf: (request) => seam.routeOf(request),
    }),
  );
  const origins = env.get('CORS_ORIGINS', { infer: true });
  // The cors package on both adapters (Nest's enableCors picks a different one for fastify,
  // which answers a stray OPTIONS differently): the same headers and answers either way.
  if (origins.length > 0)
    app.use(cors({ origin: origins.includes('*') ? true : origins, maxAge: 600 }));
  const keys = env.get('API_KEYS', { infer: true });
  if (keys.length > 0) app.use(apiKeyCheck(keys, env.get('PUBLIC_DOCS', { infer: true })));
  const limit = env.get('RATE_LIMIT_MAX', { infer: true });
  if (limit > 0) {
    const ttl = env.get('RATE_LIMIT_TTL', { infer: true });
    app.use(rateLimit(app.get(ThrottlerStorageService), { ttl, limit }));
  }
  seam.installBodyParsing(app, {
    body: env.get('BODY_LIMIT', { infer: true }),
    batch: env.get('BATCH_BODY_LIMIT', { infer: true }),
  });
  setupSwagger(app);
}
