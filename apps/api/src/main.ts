import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createAdapter, NEST_APP_OPTIONS } from './app.setup';
import { Env } from './config/env.config';

async function bootstrap(): Promise<void> {
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(),
      createAdapter(),
      NEST_APP_OPTIONS,
    );
    configureApp(app);
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
