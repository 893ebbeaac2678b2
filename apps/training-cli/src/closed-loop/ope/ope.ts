import { SlotChoice } from '@app/engagement';

/** What the estimators read of a candidate's first-slot choice: its type and probability. */
export type SlotChance = Pick<SlotChoice, 'type' | 'probability'>;
import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { percent } from '../../cli/format';
import { Random } from '../../cli/random';
import { ConfidenceInterval } from '../uplift/uplift';

/**
 * Off-policy evaluation (Dudík, Langford & Li 2011, "Doubly Robust Policy Evaluation and
 * Learning"): the value a candidate policy would have had on the decisions a logging policy
 * made, from the logging policy's propensities and the candidate's probabilities for the same
 * requests. The unit is a decision not held out; its action is the top nudge (docs/closed-loop.md).
 */

export const NO_NUDGE = 'none';

/** A decision's top action: the type of the nudge in slot 1, or `none` when nothing went out. */
export type TopAction = NudgeType | typeof NO_NUDGE;

/** One decision as the estimators see it. */
export interface OpeDecision {
  readonly action: TopAction;
  /** μ: the probability that the logging policy chose `action` (1 for `none`). */
  readonly propensity: number;
  /** 1 when the learner did the top nudge's action within the reward window, else 0. */
  readonly reward: number;
  /** The candidate's slot-1 choices; empty when it would deliver nothing. */
  readonly candidate: readonly SlotChance[];
  /** The candidate's models' probability of each type they score, at this decision's features. */
  readonly modelled: Readonly<Partial<Record<NudgeType, number>>>;
}

/** π(a|x): the candidate delivers nothing exactly when it has no slot-1 choice. */
export function candidateProbability(candidate: readonly SlotChance[], action: TopAction): number {
  if (action === NO_NUDGE) return candidate.length === 0 ? 1 : 0;
  return candidate.find((choice) => choice.type === action)?.probability ?? 0;
}

/**
 * The mean logged reward of each type, for the types the candidate's models do not score: the
 * plainest reward model that is still right on average. A type never logged as a top action
 * has no reward to average and gets 0 — and no decision to weight either.
 */
export function meanRewards(decisions: readonly OpeDecision[]): Record<NudgeType, number> {
  const sums = Object.fromEntries(NUDGE_TYPES.map((type) => [type, { rewards: 0, count: 0 }]));
  for (const { action, reward } of decisions) {
    if (action === NO_NUDGE) continue;
    sums[action].rewards += reward;
    sums[action].count++;
  }
  return Object.fromEntries(
    NUDGE_TYPES.map((type) => {
      const { rewards, count } = sums[type];
      return [type, count === 0 ? 0 : rewards / count];
    }),
  ) as Record<NudgeType, number>;
}

/**
 * Each decision's share of the three estimates, computed once so that a bootstrap replicate
 * only sums: the clipped weight w = min(π(a|x)/μ, C), w·r, and the doubly robust term
 * Σ_t π(t|x)·r̂(x, t) + w·(r − r̂(x, a)), with r̂(x, none) = 0 as nothing delivered earns nothing.
 */
export interface Contributions {
  readonly weight: Float64Array;
  readonly weightedReward: Float64Array;
  readonly doublyRobust: Float64Array;
  /** Decisions whose weight was cut to the clip. */
  readonly clipped: number;
}

export function contributions(decisions: readonly OpeDecision[], clip: number): Contributions {
  const n = decisions.length;
  const weight = new Float64Array(n);
  const weightedReward = new Float64Array(n);
  const doublyRobust = new Float64Array(n);
  const fallback = meanRewards(decisions);
  let clipped = 0;
  decisions.forEach((decision, i) => {
    const { action, propensity, reward, candidate, modelled } = decision;
    const predicted = (type: TopAction) =>
      type === NO_NUDGE ? 0 : (modelled[type] ?? fallback[type]);
    const ratio = candidateProbability(candidate, action) / propensity;
    if (ratio > clip) clipped++;
    const w = Math.min(ratio, clip);
    let direct = 0;
    for (const choice of candidate) direct += choice.probability * predicted(choice.type);
    weight[i] = w;
    weightedReward[i] = w * reward;
    doublyRobust[i] = direct + w * (reward - predicted(action));
  });
  return { weight, weightedReward, doublyRobust, clipped };
}

const ESTIMATORS = ['ips', 'snips', 'dr'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

/**
 * IPS Σ w·r / n, SNIPS Σ w·r / Σ w and DR Σ dr / n from the sums over n decisions. SNIPS is 0
 * when every weight is 0: the candidate then gives every logged action probability 0, so with
 * support it delivers nothing there, which earns 0.
 */
function fromSums(n: number, w: number, wr: number, dr: number): Record<Estimator, number> {
  return { ips: wr / n, snips: w === 0 ? 0 : wr / w, dr: dr / n };
}

const sum = (values: Float64Array): number => values.reduce((total, value) => total + value, 0);

export function pointEstimates(c: Contributions): Record<Estimator, number> {
  return fromSums(c.weight.length, sum(c.weight), sum(c.weightedReward), sum(c.doublyRobust));
}

/** The q-quantile of sorted values, between order statistics as Hyndman & Fan's type 7. */
export function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/**
 * Percentile 95% intervals from `resamples` bootstrap replicates: each draws n decisions with
 * replacement and recomputes the three estimates (the reward model stays the one fitted on all
 * decisions). The draws come from `seed` alone, so a run is repeatable. A replicate counts how
 * often it drew each decision, then sums in file order: scattered reads into three large arrays
 * cost three times as much.
 */
export function bootstrapIntervals(
  c: Contributions,
  resamples: number,
  seed: number,
): Record<Estimator, ConfidenceInterval> {
  const n = c.weight.length;
  const random = new Random(seed);
  const { weight, weightedReward, doublyRobust } = c;
  const drawn = new Uint32Array(n);
  const replicates: Record<Estimator, Float64Array> = {
    ips: new Float64Array(resamples),
    snips: new Float64Array(resamples),
    dr: new Float64Array(resamples),
  };
  for (let b = 0; b < resamples; b++) {
    drawn.fill(0);
    for (let draw = 0; draw < n; draw++) drawn[random.int(n)]++;
    let w = 0;
    let wr = 0;
    let dr = 0;
    for (let i = 0; i < n; i++) {
      const times = drawn[i];
      if (times === 0) continue;
      w += times * weight[i];
      wr += times * weightedReward[i];
      dr += times * doublyRobust[i];
    }
    const estimates = fromSums(n, w, wr, dr);
    for (const estimator of ESTIMATORS) replicates[estimator][b] = estimates[estimator];
  }
  const interval = (values: Float64Array): ConfidenceInterval => {
    const sorted = values.sort();
    return [quantile(sorted, 0.025), quantile(sorted, 0.975)];
  };
  return {
    ips: interval(replicates.ips),
    snips: interval(replicates.snips),
    dr: interval(replicates.dr),
  };
}

/** How far the candidate strays from what the logging policy could have done. */
export interface SupportTally {
  /** Decisions where the candidate may choose a type the logging policy gave no chance. */
  readonly unsupported: number;
  /** The first such decision: its line, and the type. */
  readonly first?: { readonly line: number; readonly type: NudgeType };
  /** Whether any logged top nudge had propensity below 1: the logging policy explored. */
  readonly explored: boolean;
}

/** Above this share of decisions without support, the estimate is refused, not reported. */
export const MAX_UNSUPPORTED_SHARE = 0.01;

/**
 * The share of decisions without support. Where the candidate may choose a type the logging
 * policy never could, no logged decision stands for that choice: IPS counts it as reward 0 and
 * every estimate is biased. A small share is reported; more stops the command, saying what
 * logging it takes.
 */
export function requireSupport(tally: SupportTally, decisions: number, path: string): number {
  const share = tally.unsupported / decisions;
  if (share <= MAX_UNSUPPORTED_SHARE || tally.first === undefined) return share;
  const { line, type } = tally.first;
  const extent = `${tally.unsupported} of ${decisions} decisions (${percent(share, 1)}, at most ${percent(MAX_UNSUPPORTED_SHARE, 1)} may)`;
  const why = tally.explored
    ? `the same holds for ${extent}`
    : `every logged top nudge has propensity 1, so the logging policy never explored (policy.exploration_epsilon 0) and these logs give no weight to any choice it did not make; the candidate chooses otherwise on ${extent}`;
  throw new CliUsageError(
    `${path} line ${line}: the logging policy never chose ${type} where the candidate would: ${why}. Log with policy.exploration_epsilon > 0, so that every nudge the candidate may choose has a chance`,
  );
}

/** A policy value and its 95% confidence interval. */
export interface Estimate {
  readonly value: number;
  readonly ci95: ConfidenceInterval;
}

export interface OpeSettings {
  readonly clip: number;
  readonly rewardDays: number;
  readonly resamples: number;
  readonly seed: number;
}

export interface OpeReport {
  readonly ips: Estimate;
  readonly snips: Estimate;
  readonly dr: Estimate;
  /** Decisions not held out: the unit every estimate averages over. */
  readonly decisions: number;
  readonly held_out: number;
  /** The logging policy's own value: the mean logged reward. */
  readonly logged_value: number;
  readonly mean_weight: number;
  readonly clipped_share: number;
  readonly unsupported_share: number;
  readonly clip: number;
  readonly reward_days: number;
  readonly bootstrap: number;
  readonly seed: number;
}

/** The candidate's value by IPS, SNIPS and DR, with their bootstrap intervals. */
export function opeReport(
  decisions: readonly OpeDecision[],
  heldOut: number,
  unsupportedShare: number,
  settings: OpeSettings,
): OpeReport {
  const c = contributions(decisions, settings.clip);
  const value = pointEstimates(c);
  const ci95 = bootstrapIntervals(c, settings.resamples, settings.seed);
  const n = decisions.length;
  return {
    ips: { value: value.ips, ci95: ci95.ips },
    snips: { value: value.snips, ci95: ci95.snips },
    dr: { value: value.dr, ci95: ci95.dr },
    decisions: n,
    held_out: heldOut,
    logged_value: decisions.reduce((total, decision) => total + decision.reward, 0) / n,
    mean_weight: sum(c.weight) / n,
    clipped_share: c.clipped / n,
    unsupported_share: unsupportedShare,
    clip: settings.clip,
    reward_days: settings.rewardDays,
    bootstrap: settings.resamples,
    seed: settings.seed,
  };
}
