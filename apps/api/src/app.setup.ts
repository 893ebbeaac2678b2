import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { Env } from './config/env.config';
import { registerJsonBody } from './http/json-body';
import { requestId } from './logging';
import { setupSwagger } from './swagger';

/** Options for NestFactory.create: Nest's own body parser is replaced by the strict one. */
export const NEST_APP_OPTIONS = {
  bufferLogs: true,
  bodyParser: false,
  abortOnError: false,
} as const;

/** Fastify names each request; pino-http logs that id, and a client's x-request-id is kept. */
export function createAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ genReqId: requestId, requestIdHeader: false });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  return adapter;
}

/** Everything main.ts and the e2e tests both need on a created application. */
export function configureApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(Logger));
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  registerJsonBody(app.getHttpAdapter().getInstance(), env.get('BODY_LIMIT', { infer: true }));
  setupSwagger(app);
  app.enableShutdownHooks();
}
