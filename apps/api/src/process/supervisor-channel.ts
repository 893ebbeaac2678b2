import cluster from 'node:cluster';
import type { HandedOverState } from '@app/engagement';

/**
 * What a worker tells its supervisor over node:cluster's IPC channel, which the supervisor sets
 * to structured clone ("advanced" serialization), so the models' weights go as they are.
 */
export type ToSupervisor =
  /** Sent by a starting worker: what should it serve? */
  | { readonly kind: 'state?' }
  /** What the worker serves, once it listens and after every reload it took. */
  | { readonly kind: 'serving'; readonly state: HandedOverState }
  /** The worker got the stop signal: from now on, how it exits is how its drain went. */
  | { readonly kind: 'draining' };

/** The supervisor's answer to 'state?': none before any worker served (read the files then). */
export interface ToWorker {
  readonly kind: 'state';
  readonly state: HandedOverState | undefined;
}

const KINDS: readonly string[] = ['state?', 'serving', 'draining'];

export function isToSupervisor(message: unknown): message is ToSupervisor {
  return KINDS.includes((message as { kind?: unknown } | null)?.kind as string);
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
      if ((message as Partial<ToWorker> | null)?.kind !== 'state') return;
      process.off('message', onMessage);
      resolve((message as ToWorker).state);
    };
    process.on('message', onMessage);
    tellSupervisor({ kind: 'state?' });
  });
}
