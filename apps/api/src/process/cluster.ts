import cluster, { Worker } from 'node:cluster';
import pino from 'pino';
import { loadEngineConfig } from '@app/engagement';
import { Env } from '../config/env.config';

/** The second replacement in a row waits this long; each further one waits twice as long. */
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
/** A worker that served this long before dying ends the streak: its death is not a crash loop. */
const STABLE_MS = 10_000;

/** 0 for the first death of a streak, then 100, 200, 400 … ms, capped. */
function replacementDelayMs(streak: number): number {
  if (streak <= 0) return 0;
  return Math.min(FIRST_BACKOFF_MS * 2 ** (streak - 1), MAX_BACKOFF_MS);
}

/**
 * WORKERS > 1: this process only supervises; the workers share the port (node:cluster hands out
 * connections). The config is checked here first so a bad key fails once, with its path, instead
 * of in a restart loop. A worker that dies is replaced, after a delay that grows while workers
 * keep dying soon after they start, so a crash loop cannot spin; one that dies before listening
 * means the service cannot start, so the supervisor exits non-zero. SIGTERM/SIGINT are passed to
 * the workers, which drain as a single process does; the supervisor exits when they are gone,
 * 0 if every one of them drained cleanly. SIGHUP is passed on too: each worker reloads its config
 * and models. A worker still starting is skipped: it is reading the files as they are now.
 */
export function superviseWorkers(env: Env): void {
  const log = pino({ level: env.LOG_LEVEL, base: { pid: process.pid, role: 'supervisor' } });
  loadEngineConfig(env.CONFIG_PATH);

  let stopping = false;
  // Only the outcome of the shutdown (or a start-up failure) decides the exit code: a worker
  // that died earlier and was replaced is no reason to report a failed stop.
  let exitCode = 0;
  // Consecutive deaths of workers that had not yet stayed up for STABLE_MS.
  let streak = 0;
  // Tracked here rather than read from cluster.workers, which may still list a worker that exited.
  const alive = new Set<Worker>();
  const listeningSince = new WeakMap<Worker, number>();
  const pendingReplacements = new Set<NodeJS.Timeout>();

  const fork = (): void => {
    const worker = cluster.fork();
    alive.add(worker);
    worker.once('listening', () => {
      listeningSince.set(worker, Date.now());
      log.info({ worker: worker.process.pid }, 'worker listening');
    });
  };

  const exitWhenAllGone = (): void => {
    if (alive.size === 0) process.exit(exitCode);
  };

  const stopAll = (signal: NodeJS.Signals): void => {
    stopping = true;
    for (const timer of pendingReplacements) clearTimeout(timer);
    pendingReplacements.clear();
    for (const worker of alive) worker.process.kill(signal);
  };

  cluster.on('exit', (worker, code, signal) => {
    alive.delete(worker);
    const since = listeningSince.get(worker);
    if (stopping) {
      // A worker still starting has nothing to drain; being killed by the signal is its clean end.
      const killedWhileStarting = since === undefined && signal !== null;
      if (code !== 0 && !killedWhileStarting) exitCode = 1;
      exitWhenAllGone();
      return;
    }
    if (since === undefined) {
      log.fatal({ worker: worker.process.pid, code }, 'a worker exited before listening; stopping');
      exitCode = 1;
      stopAll('SIGTERM');
      exitWhenAllGone();
      return;
    }
    if (Date.now() - since >= STABLE_MS) streak = 0;
    const delayMs = replacementDelayMs(streak);
    streak++;
    log.error(
      { worker: worker.process.pid, code, signal, delayMs, streak },
      `worker died; starting a new one in ${delayMs} ms`,
    );
    const timer = setTimeout(() => {
      pendingReplacements.delete(timer);
      fork();
    }, delayMs);
    pendingReplacements.add(timer);
  });

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    log.info(`${signal} received: stopping ${alive.size} workers`);
    stopAll(signal);
    // Workers bound their own drain by SHUTDOWN_TIMEOUT_MS; this is the backstop.
    setTimeout(() => {
      log.error('workers did not stop in time; killing them');
      for (const worker of alive) worker.process.kill('SIGKILL');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS + 5000).unref();
    // Every worker may already be gone, waiting for its replacement.
    exitWhenAllGone();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('SIGHUP', () => {
    const serving = [...alive].filter((worker) => listeningSince.has(worker));
    log.info(`SIGHUP received: asking ${serving.length} workers to reload`);
    for (const worker of serving) worker.process.kill('SIGHUP');
  });

  log.info(`starting ${env.WORKERS} workers`);
  for (let i = 0; i < env.WORKERS; i++) fork();
}
