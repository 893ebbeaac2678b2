import { CalendarDay, deriveSignals, NUDGE_TYPES, NudgeType } from '@app/learner';
import { encodeFeatures } from '@app/ml';
import { Random, RANDOM_STREAMS } from '../../cli/random';
import {
  learnerRecord,
  simulateLearner,
  simulateSnapshot,
  userId,
} from '../../offline/simulate/learner-simulator';
import { PEER_GROUPS } from './platform-simulator';
import { nudgeEffect, PlatformStory } from './story';

/** How a story's τ_k(x) is spread over a population, for one nudge type. */
export interface EffectSpread {
  /** Learners whose τ is below 0: the nudge puts them off. */
  readonly negative: number;
  /** Learners whose τ is 2 or more: a nudge multiplies their odds of acting by e² ≈ 7 or more. */
  readonly strong: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
}

/** The value at quantile `q` of sorted `values`, interpolated linearly between neighbours. */
export function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/**
 * The day-0 feature vectors of the learners `simulate-platform` would draw with `seed` (the same
 * peer groups and learners, in the same order), so a story's effects can be looked at without
 * running the platform.
 */
export function populationFeatures(
  users: number,
  seed: number,
  start: CalendarDay,
): Float64Array[] {
  const population = new Random(seed, RANDOM_STREAMS.platform);
  const snapshots = Array.from({ length: PEER_GROUPS }, (_, i) => simulateSnapshot(population, i));
  return Array.from({ length: users }, (_, index) => {
    const snapshot = snapshots[population.int(snapshots.length)];
    const learner = simulateLearner(population, userId(index, users), snapshot, start);
    population.nextUint32(); // the learner's day seed, as the simulator draws it
    return encodeFeatures(deriveSignals(learnerRecord(learner, snapshot), start));
  });
}

/** A τ this large or larger counts as a strong response. */
export const STRONG = 2;

/** τ_k on day 0 over `features`, per nudge type: the share below 0 and the quartiles. */
export function effectSpread(
  story: PlatformStory,
  features: readonly Float64Array[],
): Record<NudgeType, EffectSpread> {
  return Object.fromEntries(
    NUDGE_TYPES.map((type) => {
      const effects = Float64Array.from(features, (x) => nudgeEffect(story, type, () => x)).sort();
      let negative = 0;
      let strong = 0;
      for (const effect of effects) {
        if (effect < 0) negative++;
        if (effect >= STRONG) strong++;
      }
      return [
        type,
        {
          negative: negative / effects.length,
          strong: strong / effects.length,
          q1: quantile(effects, 0.25),
          median: quantile(effects, 0.5),
          q3: quantile(effects, 0.75),
          min: effects[0],
          max: effects[effects.length - 1],
        },
      ];
    }),
  ) as Record<NudgeType, EffectSpread>;
}
