import { Random } from '../../cli/random';
import { ConfidenceInterval } from '../uplift/uplift';
import {
  BASELINE_SUMS,
  BUCKET_COLUMNS,
  BUCKET_DECISIONS,
  CANDIDATE_SUMS,
  OpeCounts,
  OpeTally,
  served,
  V_BASELINE,
  V_CANDIDATE,
} from './ope-tally';
import { fitRewardModels, foldOf } from './reward-model';

/**
 * Off-policy evaluation: the value a candidate policy would have had on the decisions a logging
 * policy made. A decision's outcome is 1 when the learner did any of the four nudgeable actions
 * within the reward window, whatever was sent; a policy's value is its mean outcome per decision
 * over the learners it serves (docs/closed-loop.md, "What a decision earns"). Each decision's
 * slate is reweighted by the pseudo-inverse estimator (slate-weights.ts), and the doubly robust
 * estimate adds a cross-fitted reward model (reward-model.ts); the sums they are made of are
 * tallied per bucket of learners (ope-tally.ts). Every estimate is made for the candidate and for
 * a baseline (the logging policy, or another config) on the same decisions, so their difference,
 * the number a ship decision needs, gets a paired interval.
 */

const ESTIMATORS = ['ips', 'snips', 'dr'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

/**
 * Per unit (a bucket of learners), the sums each estimate is a ratio of: n, then for the
 * candidate and the baseline Σw, Σw·r and Σdr.
 */
const COLUMNS = 7;
const COUNT = 0;
const CANDIDATE = 1;
const BASELINE = 4;

/**
 * Each bucket's sums, for the buckets that hold a decision, once the reward models are fitted:
 * its DR sum is β_f·V + Σw·r, β_f being the model of the bucket's fold.
 */
export function unitSums(buckets: Float64Array, betas: readonly Float64Array[]): Float64Array {
  const rows: number[] = [];
  const dr = (row: number, sums: number, v: number, beta: Float64Array) => {
    let sum = buckets[row + sums + 1];
    for (let i = 0; i < beta.length; i++) sum += beta[i] * buckets[row + v + i];
    return sum;
  };
  for (let bucket = 0; bucket < buckets.length / BUCKET_COLUMNS; bucket++) {
    const row = bucket * BUCKET_COLUMNS;
    if (buckets[row + BUCKET_DECISIONS] === 0) continue;
    const beta = betas[foldOf(bucket, betas.length)];
    rows.push(
      buckets[row + BUCKET_DECISIONS],
      buckets[row + CANDIDATE_SUMS],
      buckets[row + CANDIDATE_SUMS + 1],
      dr(row, CANDIDATE_SUMS, V_CANDIDATE, beta),
      buckets[row + BASELINE_SUMS],
      buckets[row + BASELINE_SUMS + 1],
      dr(row, BASELINE_SUMS, V_BASELINE, beta),
    );
  }
  return Float64Array.from(rows);
}

/** IPS Σw·r / n, SNIPS Σw·r / Σw (0 when Σw is 0) and DR Σdr / n, from summed columns. */
function estimates(total: Float64Array, column: number): Record<Estimator, number> {
  const n = total[COUNT];
  const [w, wr, dr] = [total[column], total[column + 1], total[column + 2]];
  return { ips: wr / n, snips: w === 0 ? 0 : wr / w, dr: dr / n };
}

function columnTotals(sums: Float64Array, times?: Uint32Array): Float64Array {
  const total = new Float64Array(COLUMNS);
  const units = sums.length / COLUMNS;
  for (let unit = 0; unit < units; unit++) {
    const k = times === undefined ? 1 : times[unit];
    if (k === 0) continue;
    for (let c = 0; c < COLUMNS; c++) total[c] += k * sums[unit * COLUMNS + c];
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
 * Point estimates and percentile 95% intervals from `resamples` bootstrap replicates over units
 * (`sums`, COLUMNS a unit): a learner's decisions are not independent (one learner, one habit),
 * and the learner is what assignment randomises, so each replicate draws units of whole learners
 * with replacement and keeps all of their decisions. The units are the buckets of learners
 * (reward-model.ts): as many as the learners while they are few, and a fixed number of random
 * groups of learners once they are many, which keeps the bootstrap's cost and a shard's partial
 * bounded. Candidate and baseline are resampled together, so the difference's interval is
 * paired. The reward model stays the one cross-fitted on all decisions. The draws come from
 * `seed` alone, so a run is repeatable.
 */
export function pairedEstimates(
  sums: Float64Array,
  resamples: number,
  seed: number,
): PairedEstimates {
  const units = sums.length / COLUMNS;
  const random = new Random(seed);
  const drawn = new Uint32Array(units);
  const replicate = {
    candidate: ESTIMATORS.map(() => new Float64Array(resamples)),
    baseline: ESTIMATORS.map(() => new Float64Array(resamples)),
    difference: ESTIMATORS.map(() => new Float64Array(resamples)),
  };
  for (let b = 0; b < resamples; b++) {
    drawn.fill(0);
    for (let draw = 0; draw < units; draw++) drawn[random.int(units)]++;
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

export function weightDiagnostics(counts: OpeCounts, unsupportedShare: number): OpeDiagnostics {
  const { sum, squares, largest, clipped } = counts.weights;
  const n = served(counts);
  return {
    effective_sample_size: squares === 0 ? 0 : sum ** 2 / squares,
    max_weight: largest,
    mean_weight: sum / n,
    clipped_share: clipped / n,
    unsupported_share: unsupportedShare,
    history_dependent_share: counts.historyDependent / n,
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

/** What the report is made from, beside the tally. */
export interface OpeInputs {
  readonly unsupportedShare: number;
  readonly baseline: string;
}

/** The candidate's and the baseline's values by IPS, SNIPS and DR, and their difference. */
export function opeReport(tally: OpeTally, inputs: OpeInputs, settings: OpeSettings): OpeReport {
  const betas = fitRewardModels(tally.reward);
  const paired = pairedEstimates(unitSums(tally.buckets, betas), settings.resamples, settings.seed);
  const n = served(tally);
  return {
    ...paired.candidate,
    baseline: { policy: inputs.baseline, ...paired.baseline },
    difference: paired.difference,
    diagnostics: weightDiagnostics(tally, inputs.unsupportedShare),
    decisions: n,
    learners: tally.learners,
    held_out: tally.heldOut,
    logged_value: tally.rewards / n,
    clip: settings.clip,
    reward_days: settings.rewardDays,
    bootstrap: settings.resamples,
    folds: settings.folds,
    seed: settings.seed,
  };
}
