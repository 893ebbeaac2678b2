import cluster from 'node:cluster';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { Env, validateEnv } from './config/env.config';
import { configureApp, createAdapter, NEST_APP_OPTIONS } from './platform/app.setup';
import { superviseWorkers } from './platform/cluster';
import { ConnectionDrain } from './platform/connection-drain';
import { Lifecycle } from './platform/lifecycle';
import { exitOnSignals } from './platform/shutdown';

function failStart(error: unknown): never {
  // A bad config or environment: say which key, in one line, and exit non-zero.
  process.stderr.write(`start-up failed: ${(error as Error).message}\n`);
  process.exit(1);
}

async function serve(): Promise<void> {
  const lifecycle: Lifecycle = { draining: false };
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(lifecycle),
      createAdapter(),
      NEST_APP_OPTIONS,
    );
    configureApp(app);
  } catch (error) {
    failStart(error);
  }
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  exitOnSignals(app, lifecycle, new ConnectionDrain(app.getHttpServer()), {
    delayMs: env.get('SHUTDOWN_DELAY_MS', { infer: true }),
    timeoutMs: env.get('SHUTDOWN_TIMEOUT_MS', { infer: true }),
  });
  await app.listen({
    port: env.get('PORT', { infer: true }),
    host: env.get('HOST', { infer: true }),
  });
}

function main(): void {
  if (cluster.isPrimary) {
    let env: Env;
    try {
      env = validateEnv(process.env);
      if (env.WORKERS > 1) return superviseWorkers(env);
    } catch (error) {
      failStart(error);
    }
  }
  serve().catch(failStart);
}

main();
