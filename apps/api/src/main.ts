import cluster from 'node:cluster';
import { ConfigService } from '@nestjs/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createAdapter, Lifecycle, NEST_APP_OPTIONS } from './app.setup';
import { superviseWorkers } from './cluster';
import { Env, validateEnv } from './config/env.config';

function failStart(error: unknown): never {
  // A bad config or environment: say which key, in one line, and exit non-zero.
  process.stderr.write(`start-up failed: ${(error as Error).message}\n`);
  process.exit(1);
}

/**
 * On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (responses from
 * then on close their connection), close idle keep-alive sockets, exit 0. If draining takes
 * longer than SHUTDOWN_TIMEOUT_MS the remaining connections are cut and the exit code is 1.
 */
function exitOnSignals(app: NestFastifyApplication, lifecycle: Lifecycle, timeoutMs: number): void {
  const logger = new Logger('Shutdown');
  const shutdown = (signal: NodeJS.Signals): void => {
    if (lifecycle.closing) return;
    lifecycle.closing = true;
    logger.log(`${signal} received: draining in-flight requests (at most ${timeoutMs} ms)`);
    const force = setTimeout(() => {
      logger.error('drain timed out: closing the remaining connections');
      app.getHttpServer().closeAllConnections();
      process.exit(1);
    }, timeoutMs);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function serve(): Promise<void> {
  const lifecycle: Lifecycle = { closing: false };
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(),
      createAdapter(lifecycle),
      NEST_APP_OPTIONS,
    );
    configureApp(app);
  } catch (error) {
    failStart(error);
  }
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  exitOnSignals(app, lifecycle, env.get('SHUTDOWN_TIMEOUT_MS', { infer: true }));
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
