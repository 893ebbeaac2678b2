import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import type { HandedOverState } from '@app/engagement';
import type { Env } from '../config/env.config';
import { endSighupQueue } from './early-signals';
import { isToSupervisor, type ToWorker } from './supervisor-channel';

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
 * connections). It loads no engine code, so it does not check the config itself: it starts one
 * worker, which reads the files, and the other WORKERS - 1 only once that one listens. A bad key
 * thus fails once, in that one worker, which names it in its one `start-up failed:` line; the
 * supervisor then exits non-zero instead of running a restart loop. Each worker tells the
 * supervisor what it serves (after it starts and after every reload it takes), and a worker
 * started later is handed the last of those states as data instead of reading the files, so a
 * file the service refused never stops a replacement (it still reloads from the files on the
 * next SIGHUP or change). A worker that dies is replaced, after a delay that grows while workers
 * keep dying soon after they start, so a crash loop cannot spin; one that dies before any worker
 * listened means the service cannot start, so the supervisor exits non-zero. SIGTERM/SIGINT are
 * passed to the workers, which drain as a single process does; the supervisor exits when they
 * are gone, 0 if every one that began draining drained cleanly. SIGHUP is passed on too: each
 * worker reloads its config and models; one still starting gets it once it listens, and so does
 * each of the start's workers not yet forked when it came.
 */
export function superviseWorkers(env: Env): void {
  const log = pino({ level: env.LOG_LEVEL, base: { pid: process.pid, role: 'supervisor' } });
  // Structured clone over IPC: the handed-over models hold Float64Arrays, which JSON would mangle.
  cluster.setupPrimary({ serialization: 'advanced' });

  let stopping = false;
  // Only the outcome of the shutdown (or a start-up failure) decides the exit code: a worker
  // that died earlier and was replaced is no reason to report a failed stop.
  let exitCode = 0;
  // Consecutive deaths of workers that had not yet stayed up for STABLE_MS.
  let streak = 0;
  // Once a worker has listened the service is up: a worker dying later is replaced, never fatal.
  let started = false;
  // The state the workers serve, for the next one to start from.
  let served: HandedOverState | undefined;
  // Tracked here rather than read from cluster.workers, which may still list a worker that exited.
  const alive = new Set<Worker>();
  const listeningSince = new WeakMap<Worker, number>();
  // Workers that said they began draining: only these can fail a drain. One that died just
  // before the stop signal reached it (its death not yet seen here) never says so.
  const draining = new WeakSet<Worker>();
  // Workers that were starting when SIGHUP came: a replacement has not read the files.
  const reloadWhenListening = new WeakSet<Worker>();
  // A SIGHUP came while the first worker was starting: the rest of the start reloads too, as
  // they would had they been forked with it (they start from its state, not from the files).
  let reloadRestOfStart = false;
  const pendingReplacements = new Set<NodeJS.Timeout>();

  const fork = (): Worker => {
    const worker = cluster.fork();
    alive.add(worker);
    worker.once('listening', () => {
      const first = !started;
      started = true;
      listeningSince.set(worker, Date.now());
      log.info({ worker: worker.process.pid }, 'worker listening');
      if (reloadWhenListening.has(worker) && !stopping) worker.process.kill('SIGHUP');
      if (first && !stopping) forkRestOfStart();
    });
    return worker;
  };
  const forkRestOfStart = (): void => {
    for (let i = 1; i < env.WORKERS; i++) {
      const worker = fork();
      if (reloadRestOfStart) reloadWhenListening.add(worker);
    }
  };

  cluster.on('message', (worker, message: unknown) => {
    // Readiness and metrics are the management listener's (management.cluster.ts).
    if (!isToSupervisor(message)) return;
    if (message.kind === 'serving') served = message.state;
    else if (message.kind === 'draining') draining.add(worker);
    else if (message.kind === 'state?' && worker.isConnected()) {
      const answer: ToWorker = { kind: 'state', state: served };
      // A worker that died meanwhile is handled by the exit event.
      worker.send(answer, () => {});
    }
  });

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
      // A worker still starting, or already dead when the signal came, had no drain to fail.
      if (code !== 0 && draining.has(worker)) exitCode = 1;
      exitWhenAllGone();
      return;
    }
    if (!started) {
      log.fatal({ worker: worker.process.pid, code }, 'a worker exited before listening; stopping');
      exitCode = 1;
      stopAll('SIGTERM');
      exitWhenAllGone();
      return;
    }
    if (since !== undefined && Date.now() - since >= STABLE_MS) streak = 0;
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
  const reloadAll = (): void => {
    if (stopping) return;
    const serving = [...alive].filter((worker) => listeningSince.has(worker)).length;
    const notForked = started ? 0 : env.WORKERS - alive.size;
    log.info(
      `SIGHUP received: asking ${serving} workers to reload, ${alive.size - serving + notForked} more once they listen`,
    );
    for (const worker of alive) {
      if (listeningSince.has(worker)) worker.process.kill('SIGHUP');
      else reloadWhenListening.add(worker);
    }
    if (!started) reloadRestOfStart = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  log.info(`starting ${env.WORKERS} workers: one, then the others once it listens`);
  fork();
  process.on('SIGHUP', reloadAll);
  // A SIGHUP while this process was loading: the workers reload once they listen.
  if (endSighupQueue()) reloadAll();
}
