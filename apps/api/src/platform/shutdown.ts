import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Lifecycle } from './app.setup';

/**
 * On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (responses from
 * then on close their connection), close idle keep-alive sockets, exit 0. If draining takes
 * longer than SHUTDOWN_TIMEOUT_MS the remaining connections are cut and the exit code is 1.
 */
export function exitOnSignals(
  app: NestFastifyApplication,
  lifecycle: Lifecycle,
  timeoutMs: number,
): void {
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
