import cluster, { Worker } from 'node:cluster';
import pino from 'pino';
import { loadEngineConfig } from '@app/engagement';
import { Env } from '../config/env.config';

/**
 * WORKERS > 1: this process only supervises; the workers share the port (node:cluster hands out
 * connections). The config is checked here first so a bad key fails once, with its path, instead
 * of in a restart loop. A worker that dies is replaced; one that dies before listening means the
 * service cannot start, so the supervisor exits non-zero. SIGTERM/SIGINT are passed to the
 * workers, which drain as a single process does; the supervisor exits when they are gone.
 */
export function superviseWorkers(env: Env): void {
  const log = pino({ level: env.LOG_LEVEL, base: { pid: process.pid, role: 'supervisor' } });
  loadEngineConfig(env.CONFIG_PATH);

  let stopping = false;
  let failed = false;
  const listening = new WeakSet<Worker>();

  const fork = (): void => {
    const worker = cluster.fork();
    worker.once('listening', () => listening.add(worker));
  };

  cluster.on('exit', (worker, code, signal) => {
    if (code !== 0) failed = true;
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!listening.has(worker)) {
      log.fatal({ worker: worker.process.pid, code }, 'a worker exited before listening; stopping');
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    log.error({ worker: worker.process.pid, code, signal }, 'worker died; starting a new one');
    fork();
  });

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: stopping ${env.WORKERS} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    // Workers bound their own drain by SHUTDOWN_TIMEOUT_MS; this is the backstop.
    setTimeout(() => {
      log.error('workers did not stop in time; killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS + 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  log.info(`starting ${env.WORKERS} workers`);
  for (let i = 0; i < env.WORKERS; i++) fork();
}
