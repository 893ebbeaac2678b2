import type { OnApplicationBootstrap } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/**
 * Holds the main thread's young generation at its starting size while the CLI boots: main.ts
 * calls it before it loads anything else. Loading Nest, the commands and their libraries makes
 * some 50 MB that nearly all lives on, and V8 meets such survival by growing the young
 * generation to its largest, 32 MB. `ope` then held those 32 MB, unused, beside its threads'
 * heaps until V8's memory reducer ran some 17 s into the run: they were 30 MB of its peak. A boot
 * whose young generation does not grow takes no longer that shows (docs/closed-loop.md).
 */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Once the CLI has booted, the young generation grows as V8 sees fit again, by V8's default
 * factor (2): a command that allocates much on the main thread, such as `train`, needs that.
 * It has no dependencies, so it needs no `@Injectable()`; importing only the hook's type keeps
 * this module from loading Nest before main.ts holds the young generation.
 */
export class BootHeap implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    setFlagsFromString('--semi-space-growth-factor=2');
  }
}

/**
 * Collects the young generation on the thread that allocates, without V8's helper threads, when
 * a command's threads (`threads`) already fill the CPUs: the helpers then only take CPU from
 * another thread's work, and the collecting thread waits on them. With both CPUs busy, `ope` on
 * 600,000 decisions took 14.5 to 15.3 s instead of 15.0 to 17.0 (three runs each, alternated),
 * and its scavenges' own time fell by a fifth (docs/closed-loop.md). The setting is the
 * process's, and stays: it is made as the threads start.
 */
export function scavengeWithoutHelpers(threads: number): void {
  if (threads >= availableParallelism()) setFlagsFromString('--no-parallel-scavenge');
}
