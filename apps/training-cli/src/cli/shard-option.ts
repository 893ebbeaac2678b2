import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { OptionMetadata } from 'nest-commander';

/** Shard `index` of `count` (0-based), as `--shard I/N` gives it. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The most shards a run is split into. */
export const MAX_SHARDS = 10_000;

export function parseShard(value: string): Shard {
  const match = /^(\d{1,5})\/(\d{1,5})$/.exec(value.trim());
  const [index, count] = match === null ? [NaN, NaN] : [Number(match[1]), Number(match[2])];
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 0 && index < count)) {
    throw new InvalidArgumentError(
      `Expected I/N with 0 ≤ I < N ≤ ${MAX_SHARDS}, such as 0/4 (JOB_COMPLETION_INDEX/completions).`,
    );
  }
  return { index, count };
}

/** The most threads a command reading the closed loop's logs starts. */
export const MAX_THREADS = 64;

/** The flags of a command that streams the closed loop's logs and can run as one shard. */
export const STREAM_OPTIONS = {
  threads: {
    flags: '--threads <n>',
    description: `threads that read the decisions log at once, 1 to ${MAX_THREADS} (default: the CPUs available, ${availableParallelism()} here)`,
  },
  shard: {
    flags: '--shard <i/n>',
    description:
      'tally only shard I of N (0-based): the learners whose user_id hashes to it, every line of theirs; with --partial, for combine',
  },
  partial: {
    flags: '--partial <path>',
    description:
      "write the shard's mergeable tally to this file instead of a report; combine --partial FILE... reports on all shards",
  },
} as const satisfies Record<string, OptionMetadata>;
