import { Random } from '../../cli/random';
import { ConfidenceInterval } from '../uplift/uplift';

/**
 * Off-policy evaluation: the value a candidate policy would have had on the decisions a logging
 * policy made. A decision's outcome is 1 when the learner did any of the four nudgeable actions
 * within the reward window, whatever was sent; a policy's value is its mean outcome per decision
 * over the learners it serves (docs/closed-loop.md, "What a decision earns"). Each decision's
 * slate is reweighted by the pseudo-inverse estimator (slate-weights.ts), and the doubly robust
 * estimate adds a cross-fitted reward model (reward-model.ts). Every estimate is made for the
 * candidate and for a baseline (the logging policy, or another config) on the same decisions, so
 * their difference, the number a ship decision needs, gets a paired interval.
 */

/** A policy's share of one decision. */
export interface PolicyTerms {
  /** The logged slate's weight for this policy (1 for the logging policy itself), unclipped. */
  readonly weight: number;
  /** The reward model's prediction averaged over the policy's slates: Σ_s π(s)·r̂(x, s). */
  readonly direct: number;
}

/** One decision not held out, as the estimators see it. */
export interface OpeDecision {
  readonly learner: number;
  /** 1 when the learner did any nudgeable action within the reward window, else 0. */
  readonly reward: number;
  /** The reward model's prediction for the slate that was sent. */
  readonly predicted: number;
  readonly candidate: PolicyTerms;
  readonly baseline: PolicyTerms;
}

const ESTIMATORS = ['ips', 'snips', 'dr'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

/** Per learner, the sums each estimate is a ratio of: for candidate and baseline, Σw, Σw·r, Σdr. */
const COLUMNS = 7;
const COUNT = 0;
const CANDIDATE = 1;
const BASELINE = 4;

/**
 * Each learner's sums. A weight is clipped to [−clip, clip] (pseudo-inverse weights may be
 * negative); the doubly robust term is Σ_s π(s)·r̂(x, s) + w·(r − r̂(x, s_logged)).
 */
export function learnerSums(
  decisions: readonly OpeDecision[],
  learners: number,
  clip: number,
): { sums: Float64Array; clipped: number } {
  const sums = new Float64Array(learners * COLUMNS);
  let clipped = 0;
  const add = (row: number, column: number, terms: PolicyTerms, decision: OpeDecision) => {
    const w = Math.max(-clip, Math.min(clip, terms.weight));
    sums[row + column] += w;
    sums[row + column + 1] += w * decision.reward;
    sums[row + column + 2] += terms.direct + w * (decision.reward - decision.predicted);
  };
  for (const decision of decisions) {
    const row = decision.learner * COLUMNS;
    sums[row + COUNT]++;
    if (Math.abs(decision.candidate.weight) > clip) clipped++;
    add(row, CANDIDATE, decision.candidate, decision);
    add(row, BASELINE, decision.baseline, decision);
  }
  return { sums, clipped };
}

/** IPS Σw·r / n, SNIPS Σw·r / Σw (0 when Σw is 0) and DR Σdr / n, from summed columns. */
function estimates(total: Float64Array, column: number): Record<Estimator, number> {
  const n = total[COUNT];
  const [w, wr, dr] = [total[column], total[column + 1], total[column + 2]];
  return { ips: wr / n, snips: w === 0 ? 0 : wr / w, dr: dr / n };
}

function columnTotals(sums: Float64Array, times?: Uint32Array): Float64Array {
  const total = new Float64Array(COLUMNS);
  const learners = sums.length / COLUMNS;
  for (let learner = 0; learner < learners; learner++) {
    const k = times === undefined ? 1 : times[learner];
    if (k === 0) continue;
    for (let c = 0; c < COLUMNS; c++) total[c] += k * sums[learner * COLUMNS + c];
  }
  return total;
}

/** The q-quantile of sorted values, between order statistics as Hyndman & Fan's type 7. */
export function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** A value and its 95% confidence interval. */
export interface Estimate {
  readonly value: number;
  readonly ci95: ConfidenceInterval;
}

export type Estimates = Record<Estimator, Estimate>;

export interface PairedEstimates {
  readonly candidate: Estimates;
  readonly baseline: Estimates;
  /** Candidate − baseline, each replicate's difference giving the interval. */
  readonly difference: Estimates;
}

/**
 * Point estimates and percentile 95% intervals from `resamples` bootstrap replicates over
 * learners: a learner's decisions are not independent (one learner, one habit), and the learner
 * is what assignment randomises, so each replicate draws learners with replacement and keeps all
 * of their decisions. Candidate and baseline are resampled together, so the difference's interval
 * is paired. The reward model stays the one cross-fitted on all decisions. The draws come from
 * `seed` alone, so a run is repeatable.
 */
export function pairedEstimates(
  sums: Float64Array,
  resamples: number,
  seed: number,
): PairedEstimates {
  const learners = sums.length / COLUMNS;
  const random = new Random(seed);
  const drawn = new Uint32Array(learners);
  const replicate = {
    candidate: ESTIMATORS.map(() => new Float64Array(resamples)),
    baseline: ESTIMATORS.map(() => new Float64Array(resamples)),
    difference: ESTIMATORS.map(() => new Float64Array(resamples)),
  };
  for (let b = 0; b < resamples; b++) {
    drawn.fill(0);
    for (let draw = 0; draw < learners; draw++) drawn[random.int(learners)]++;
    const total = columnTotals(sums, drawn);
    const candidate = estimates(total, CANDIDATE);
    const baseline = estimates(total, BASELINE);
    ESTIMATORS.forEach((estimator, e) => {
      replicate.candidate[e][b] = candidate[estimator];
      replicate.baseline[e][b] = baseline[estimator];
      replicate.difference[e][b] = candidate[estimator] - baseline[estimator];
    });
  }
  const total = columnTotals(sums);
  const point = {
    candidate: estimates(total, CANDIDATE),
    baseline: estimates(total, BASELINE),
  };
  const pointOf = {
    candidate: point.candidate,
    baseline: point.baseline,
    difference: Object.fromEntries(
      ESTIMATORS.map((e) => [e, point.candidate[e] - point.baseline[e]]),
    ) as Record<Estimator, number>,
  };
  const withIntervals = (which: keyof typeof replicate): Estimates =>
    Object.fromEntries(
      ESTIMATORS.map((estimator, e) => {
        const sorted = replicate[which][e].sort();
        const ci95: ConfidenceInterval = [quantile(sorted, 0.025), quantile(sorted, 0.975)];
        return [estimator, { value: pointOf[which][estimator], ci95 }];
      }),
    ) as Estimates;
  return {
    candidate: withIntervals('candidate'),
    baseline: withIntervals('baseline'),
    difference: withIntervals('difference'),
  };
}

/** How far the logs can be trusted for this candidate: beside every estimate. */
export interface OpeDiagnostics {
  /** (Σw)² / Σw² over decisions: how many decisions the weighted estimate is worth. */
  readonly effective_sample_size: number;
  /** The largest |w|, before clipping. */
  readonly max_weight: number;
  readonly mean_weight: number;
  readonly clipped_share: number;
  /** The candidate's probability on slates the logging policy never sends, per decision. */
  readonly unsupported_share: number;
  /**
   * Decisions whose candidate choice reads the delivery history (cooldowns, the weekly cap, the
   * recency penalty): a candidate that sends otherwise would have met other histories there.
   */
  readonly history_dependent_share: number;
}

export function weightDiagnostics(
  decisions: readonly OpeDecision[],
  clipped: number,
  unsupportedShare: number,
  historyDependent: number,
): OpeDiagnostics {
  let sum = 0;
  let squares = 0;
  let largest = 0;
  for (const { candidate } of decisions) {
    sum += candidate.weight;
    squares += candidate.weight ** 2;
    largest = Math.max(largest, Math.abs(candidate.weight));
  }
  const n = decisions.length;
  return {
    effective_sample_size: squares === 0 ? 0 : sum ** 2 / squares,
    max_weight: largest,
    mean_weight: sum / n,
    clipped_share: clipped / n,
    unsupported_share: unsupportedShare,
    history_dependent_share: historyDependent / n,
  };
}

export interface OpeSettings {
  readonly clip: number;
  readonly rewardDays: number;
  readonly resamples: number;
  readonly folds: number;
  readonly seed: number;
}

export interface OpeReport {
  readonly ips: Estimate;
  readonly snips: Estimate;
  readonly dr: Estimate;
  /** The baseline's own estimates: the logging policy's, or `--baseline`'s. */
  readonly baseline: Estimates & { readonly policy: string };
  /** Candidate − baseline, per estimator, with a paired learner-level interval. */
  readonly difference: Estimates;
  readonly diagnostics: OpeDiagnostics;
  /** Decisions not held out: the unit every estimate averages over. */
  readonly decisions: number;
  readonly learners: number;
  readonly held_out: number;
  /** The logging policy's own value: the mean logged outcome. */
  readonly logged_value: number;
  readonly clip: number;
  readonly reward_days: number;
  readonly bootstrap: number;
  readonly folds: number;
  readonly seed: number;
}

/** What the report is made from, beside the decisions. */
export interface OpeInputs {
  readonly decisions: readonly OpeDecision[];
  readonly learners: number;
  readonly heldOut: number;
  readonly unsupportedShare: number;
  readonly historyDependent: number;
  readonly baseline: string;
}

/** The candidate's and the baseline's values by IPS, SNIPS and DR, and their difference. */
export function opeReport(inputs: OpeInputs, settings: OpeSettings): OpeReport {
  const { decisions, learners } = inputs;
  const { sums, clipped } = learnerSums(decisions, learners, settings.clip);
  const paired = pairedEstimates(sums, settings.resamples, settings.seed);
  const n = decisions.length;
  return {
    ...paired.candidate,
    baseline: { policy: inputs.baseline, ...paired.baseline },
    difference: paired.difference,
    diagnostics: weightDiagnostics(
      decisions,
      clipped,
      inputs.unsupportedShare,
      inputs.historyDependent,
    ),
    decisions: n,
    learners,
    held_out: inputs.heldOut,
    logged_value: decisions.reduce((total, decision) => total + decision.reward, 0) / n,
    clip: settings.clip,
    reward_days: settings.rewardDays,
    bootstrap: settings.resamples,
    folds: settings.folds,
    seed: settings.seed,
  };
}
