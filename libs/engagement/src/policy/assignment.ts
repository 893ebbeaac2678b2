/**
 * Deterministic holdout and experiment assignment, bit-compatible with GrowthBook's JS SDK
 * (hash version 2) so an analysis run in GrowthBook sees the same groups the engine used.
 */
import { AssignmentResult } from '@app/contract';
import { FNV_OFFSET_BASIS, FNV_PRIME, fnvOver } from '@app/learner';

/** GrowthBook only treats weights summing to 1 within this tolerance as valid. */
const WEIGHT_TOTAL_MIN = 0.99;
const WEIGHT_TOTAL_MAX = 1.01;

const ZERO = 48;
/** A whole number's decimal digits, last first: a uint32 has at most 10. */
const digits = new Uint8Array(10);

/** fnv1a32(String(n)) for a whole number n below 2^32, with no string made. */
function fnvOfDecimal(n: number): number {
  let count = 0;
  do {
    digits[count++] = n % 10;
    n = Math.floor(n / 10);
  } while (n > 0);
  let hash = FNV_OFFSET_BASIS;
  while (count > 0) hash = Math.imul(hash ^ (ZERO + digits[--count]), FNV_PRIME);
  return hash >>> 0;
}

/**
 * GrowthBook hash version 2: FNV-1a of the decimal string of FNV-1a(seed + value), reduced to
 * [0, 1) in steps of 0.0001. Seed and value are hashed as if concatenated, as GrowthBook does;
 * neither string is made (a learner is assigned on every answer, and in every replay of one).
 */
export function hashBucket(seed: string, value: string): number {
  const inner = fnvOver(fnvOver(FNV_OFFSET_BASIS, seed), value) >>> 0;
  return (fnvOfDecimal(inner) % 10000) / 10000;
}

/**
 * GrowthBook's `getBucketRanges` at full coverage. Weights whose total is outside [0.99, 1.01]
 * are replaced by equal weights rather than normalised; a total inside it is used as given, so
 * the last range may stop short of 1 and the gap belongs to no variant.
 */
export function bucketRanges(weights: readonly number[]): [number, number][] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  // Written as GrowthBook writes it: a NaN total keeps the given weights.
  const valid = !(total < WEIGHT_TOTAL_MIN || total > WEIGHT_TOTAL_MAX);
  const used = valid ? weights : weights.map(() => 1 / weights.length);
  let cumulative = 0;
  return used.map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + weight];
  });
}

/** Index of the range holding `bucket` (start inclusive, end exclusive), or -1. */
export function chooseVariant(bucket: number, ranges: readonly [number, number][]): number {
  return ranges.findIndex(([start, end]) => bucket >= start && bucket < end);
}

export interface ExperimentConfig {
  readonly key: string;
  readonly variants: readonly { readonly key: string; readonly weight: number }[];
}

export interface AssignmentSettings {
  /** Share of learners, in percent, kept out of every nudge experiment. */
  holdout_percent: number;
  salt: string;
  experiments: readonly ExperimentConfig[];
}

/**
 * Places a learner in or out of the holdout and, when not held out, in the first experiment
 * (in configured order) whose ranges contain the learner's bucket for it.
 */
export function assign(userId: string, settings: AssignmentSettings): AssignmentResult {
  const bucket = hashBucket(settings.salt, userId);
  const holdout = bucket < settings.holdout_percent / 100;
  if (holdout) return { holdout, bucket };
  for (const experiment of settings.experiments) {
    // Each experiment is hashed with its own key as seed, as GrowthBook seeds by experiment key,
    // so a learner's variant is independent of the holdout bucket and of other experiments.
    const ranges = bucketRanges(experiment.variants.map((variant) => variant.weight));
    const index = chooseVariant(hashBucket(experiment.key, userId), ranges);
    if (index >= 0) {
      return {
        holdout,
        bucket,
        experiment: experiment.key,
        variant: experiment.variants[index].key,
      };
    }
  }
  return { holdout, bucket };
}
