import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { Env } from './config/env.config';
import { registerJsonBody } from './http/json-body';
import { requestId } from './logging';
import { setupSwagger } from './swagger';

export async function createApp(): Promise<NestFastifyApplication> {
  // Fastify names each request; pino-http logs that id, and the client's x-request-id is kept.
  const adapter = new FastifyAdapter({ genReqId: requestId, requestIdHeader: false });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  registerJsonBody(app.getHttpAdapter().getInstance(), env.get('BODY_LIMIT', { infer: true }));
  setupSwagger(app);
  app.enableShutdownHooks();
  return app;
}

async function bootstrap(): Promise<void> {
  let app: NestFastifyApplication;
  try {
    app = await createApp();
  } catch (error) {
    // A bad config or environment: say which key, in one line, and exit non-zero.
    process.stderr.write(`start-up failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  await app.listen({
    port: env.get('PORT', { infer: true }),
    host: env.get('HOST', { infer: true }),
  });
}

void bootstrap();
