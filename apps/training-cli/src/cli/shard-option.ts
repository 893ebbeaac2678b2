import { InvalidArgumentError } from 'commander';

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
