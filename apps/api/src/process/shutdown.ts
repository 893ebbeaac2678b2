import type { Server } from 'node:http';
import { INestApplication, Logger } from '@nestjs/common';
import { ConnectionDrain } from './connection-drain';
import { Lifecycle } from './lifecycle';
import { tellSupervisor } from './supervisor-channel';

export interface ShutdownOptions {
  /** How long to keep serving after the signal, so load balancers stop sending (SHUTDOWN_DELAY_MS). */
  readonly delayMs: number;
  /** How long the drain may take before the remaining connections are cut (SHUTDOWN_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

/**
 * On SIGTERM/SIGINT: readiness fails at once and every response closes its connection; the
 * service keeps serving for SHUTDOWN_DELAY_MS, then stops accepting, finishes what is in flight
 * and closes idle sockets (see ConnectionDrain), and exits 0. If the drain takes longer than
 * SHUTDOWN_TIMEOUT_MS the remaining connections are cut and the exit code is 1.
 */
export function exitOnSignals(
  app: INestApplication,
  lifecycle: Lifecycle,
  drain: ConnectionDrain,
  { delayMs, timeoutMs }: ShutdownOptions,
): void {
  const logger = new Logger('Shutdown');
  const stop = async (): Promise<never> => {
    const drained = await drain.close(timeoutMs);
    if (!drained) {
      logger.error('drain timed out: closing the remaining connections');
      (app.getHttpServer() as Server).closeAllConnections();
    }
    // The listener is closed already; this runs the modules' shutdown hooks.
    await app.close().catch(() => undefined);
    process.exit(drained ? 0 : 1);
  };
  const shutdown = (signal: NodeJS.Signals): void => {
    if (lifecycle.draining) return;
    lifecycle.draining = true;
    lifecycle.deadline = Date.now() + delayMs + timeoutMs;
    tellSupervisor({ kind: 'draining' });
    drain.begin();
    logger.log(
      `${signal} received: not ready; serving ${delayMs} ms more, then draining (at most ${timeoutMs} ms)`,
    );
    setTimeout(() => void stop(), delayMs);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
