import cluster from 'node:cluster';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { HandedOverState } from '@app/engagement';

/** One worker's metrics registry, as prom-client's aggregation takes it. */
export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

/**
 * What a worker tells its supervisor over node:cluster's IPC channel, which the supervisor sets
 * to structured clone ("advanced" serialization), so the models' weights go as they are. Every
 * message in either direction is told apart by `kind` alone.
 */
export type ToSupervisor =
  /** Sent by a starting worker: what should it serve? */
  | { readonly kind: 'state?' }
  /** What the worker serves, once it listens and after every reload it took. */
  | { readonly kind: 'serving'; readonly state: HandedOverState }
  /** The worker got the stop signal: from now on, how it exits is how its drain went. */
  | { readonly kind: 'draining' }
  /** The worker's own readiness, sent every REPORT_EVERY_MS for the management port. */
  | { readonly kind: 'readiness'; readonly ready: boolean; readonly report: HealthCheckResult }
  /** The answer to 'metrics?': the worker's registry. */
  | { readonly kind: 'metrics'; readonly id: number; readonly metrics: WorkerMetrics };

/** What the supervisor tells a worker. */
export type ToWorker =
  /** The answer to 'state?': none before any worker served (read the files then). */
  | { readonly kind: 'state'; readonly state: HandedOverState | undefined }
  /** A scrape of the management port's /metrics: answer with 'metrics' and the same id. */
  | { readonly kind: 'metrics?'; readonly id: number };

// Records rather than lists, so that a kind added to a type and not here fails to compile.
const TO_SUPERVISOR: Readonly<Record<ToSupervisor['kind'], true>> = {
  'state?': true,
  serving: true,
  draining: true,
  readiness: true,
  metrics: true,
};
const TO_WORKER: Readonly<Record<ToWorker['kind'], true>> = { state: true, 'metrics?': true };

function hasKind(message: unknown, kinds: object): boolean {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && Object.hasOwn(kinds, kind);
}

export function isToSupervisor(message: unknown): message is ToSupervisor {
  return hasKind(message, TO_SUPERVISOR);
}

export function isToWorker(message: unknown): message is ToWorker {
  return hasKind(message, TO_WORKER);
}

/** Tells the supervisor, when this process is a worker; a lost message is no reason to crash. */
export function tellSupervisor(message: ToSupervisor): void {
  if (cluster.isWorker && process.connected) process.send?.(message, undefined, {}, () => {});
}

/**
 * The state a worker is to start from: the one the service serves (so a replacement never reads
 * a file the service has refused), or undefined for the files, in a first worker or one process.
 */
export function askSupervisorForState(): Promise<HandedOverState | undefined> {
  if (!cluster.isWorker) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if (!isToWorker(message) || message.kind !== 'state') return;
      process.off('message', onMessage);
      resolve(message.state);
    };
    process.on('message', onMessage);
    tellSupervisor({ kind: 'state?' });
  });
}
