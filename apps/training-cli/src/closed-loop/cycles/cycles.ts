import { jStat } from 'jstat';

/** What one cycle did: the uplift set trained on its month of logs, and whether it was promoted. */
export interface CycleRun {
  readonly cycle: number;
  /** The true lift (truth.json `absolute_lift`) of the uplift policy with this cycle's set. */
  readonly candidateLift: number | null;
  /** The same set with no cooldowns, no weekly cap and no recency penalty. */
  readonly noFatigueLift: number | null;
  /** With --true-effects: the set's controls plus the story's true effects, under the uplift policy. */
  readonly trueEffectLift?: number;
  /** Why there is no candidate, when training refused the month's logs. */
  readonly trainingRefused?: string;
  readonly promoted: boolean;
  /** promote's one sentence, with its numbers. */
  readonly decision: string;
  /** The true lift of the policy serving after this cycle: the winner. */
  readonly servingLift: number;
  readonly servingObjective: 'propensity' | 'uplift';
}

/** One story and seed: each fixed policy's true lift on the evaluation seed, then the cycles. */
export interface SeedRun {
  readonly story: string;
  readonly seed: number;
  /** The seed the policies were evaluated on, never one a month of logs was made with. */
  readonly evaluationSeed: number;
  readonly rulesLift: number;
  readonly propensityLift: number;
  readonly cycles: readonly CycleRun[];
}

/** A policy's true lift over the seeds: mean, 95% t-interval, and each seed's. */
export interface LiftSummary {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly sd: number;
  readonly values: readonly number[];
}

export function summarise(values: readonly number[]): LiftSummary {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  const half = n < 2 ? 0 : jStat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n));
  return { mean, low: mean - half, high: mean + half, sd, values };
}

/**
 * The uplift policy against the propensity policy on one story: the ratio of their mean true
 * lifts, and whether any seed has it below the propensity policy by more than the seeds' spread
 * (the SD over seeds of the paired differences).
 */
export interface Comparison {
  readonly ratio: number;
  readonly differences: LiftSummary;
  /** The largest shortfall (propensity − uplift) of any seed; ≤ 0 when uplift never falls below. */
  readonly worstShortfall: number;
  readonly withinSpread: boolean;
}

export function compare(uplift: readonly number[], propensity: readonly number[]): Comparison {
  const differences = summarise(uplift.map((u, i) => u - propensity[i]));
  const worstShortfall = Math.max(...uplift.map((u, i) => propensity[i] - u));
  return {
    ratio: summarise(uplift).mean / summarise(propensity).mean,
    differences,
    worstShortfall,
    withinSpread: worstShortfall <= differences.sd,
  };
}
