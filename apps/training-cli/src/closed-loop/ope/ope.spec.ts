import { opeReport, pairedEstimates, quantile, unitSums, weightDiagnostics } from './ope';
import {
  BASELINE_SUMS,
  BUCKET_COLUMNS,
  CANDIDATE_SUMS,
  emptyCounts,
  OpeTally,
  V_BASELINE,
  V_CANDIDATE,
} from './ope-tally';
import { addRewardRow, BUCKETS, designWidth } from './reward-model';
import { FEATURE_COUNT } from '@app/ml';

/** A unit's sums: n, then Σw, Σw·r, Σdr for the candidate and for the baseline. */
type Unit = [number, number, number, number, number, number, number];
const units = (...rows: Unit[]) => Float64Array.from(rows.flat());

/**
 * Two units. Candidate: Σw = 1.5, Σw·r = 1.5, Σdr = 1.7 over 3 decisions, so IPS 0.5, SNIPS 1
 * and DR 1.7/3. Baseline (the logging policy, weight 1): IPS = SNIPS = DR = 2/3.
 */
const SUMS = units([2, 2, 2, 1.7, 2, 1, 1], [1, -0.5, -0.5, 0, 1, 1, 1]);

describe(pairedEstimates.name, () => {
  it('gives IPS, SNIPS and DR for candidate and baseline, and their difference', () => {
    const sut = pairedEstimates(SUMS, 200, 1);
    expect(sut.candidate.ips.value).toBeCloseTo(0.5, 12);
    expect(sut.candidate.snips.value).toBeCloseTo(1, 12);
    expect(sut.candidate.dr.value).toBeCloseTo(1.7 / 3, 12);
    for (const estimator of ['ips', 'snips', 'dr'] as const) {
      expect(sut.baseline[estimator].value).toBeCloseTo(2 / 3, 12);
      expect(sut.difference[estimator].value).toBeCloseTo(
        sut.candidate[estimator].value - 2 / 3,
        12,
      );
    }
  });

  it('resamples units, keeping their decisions together', () => {
    // Unit 0 acted on all three decisions, unit 1 on none of one. A replicate draws both units
    // (3/4), unit 0 twice (1) or unit 1 twice (0): nothing else.
    const sums = units([3, 3, 3, 3, 3, 3, 3], [1, 1, 0, 0, 1, 0, 0]);
    const sut = pairedEstimates(sums, 1000, 7);
    expect(sut.candidate.ips.value).toBeCloseTo(0.75, 12);
    expect(sut.candidate.ips.ci95).toEqual([0, 1]);
    // Candidate and baseline are the same policy here: every paired difference is 0.
    expect(sut.difference.ips.ci95).toEqual([0, 0]);
  });

  it('repeats its intervals for the same seed, and a single unit has no spread', () => {
    expect(pairedEstimates(SUMS, 300, 5)).toEqual(pairedEstimates(SUMS, 300, 5));
    const sut = pairedEstimates(units([2, 2, 2, 1.7, 2, 1, 1]), 100, 1);
    expect(sut.candidate.snips.ci95).toEqual([1, 1]);
  });
});

describe(quantile.name, () => {
  it('interpolates between order statistics', () => {
    const sorted = Float64Array.of(0, 1, 2, 3);
    expect(quantile(sorted, 0)).toBe(0);
    expect(quantile(sorted, 0.5)).toBe(1.5);
    expect(quantile(sorted, 1)).toBe(3);
  });
});

const WIDTH = designWidth(FEATURE_COUNT);

describe(unitSums.name, () => {
  it("makes each bucket's DR sum β·V + Σw·r with its fold's model, skipping empty buckets", () => {
    const buckets = new Float64Array(BUCKETS * BUCKET_COLUMNS);
    // Bucket 3 (fold 1 of 2) and bucket 4 (fold 0); the others hold nothing.
    const fill = (bucket: number, n: number, candidate: number[], baseline: number[]) => {
      const row = bucket * BUCKET_COLUMNS;
      buckets.set([n, ...candidate.slice(0, 2), ...baseline.slice(0, 2)], row);
      buckets[row + V_CANDIDATE] = candidate[2];
      buckets[row + V_CANDIDATE + 1] = candidate[3];
      buckets[row + V_BASELINE] = baseline[2];
    };
    fill(3, 2, [1.5, 0.5, 2, 4], [2, 1, 1]);
    fill(4, 1, [1, 1, -1, 0], [1, 0, 3]);
    const beta = (b0: number, b1: number) => {
      const coefficients = new Float64Array(WIDTH);
      coefficients[0] = b0;
      coefficients[1] = b1;
      return coefficients;
    };
    const sut = unitSums(buckets, [beta(0.1, 0), beta(0.2, 0.01)]);
    expect([...sut]).toEqual([
      2,
      1.5,
      0.5,
      0.5 + 0.2 * 2 + 0.01 * 4,
      2,
      1,
      1 + 0.2,
      1,
      1,
      1,
      1 + 0.1 * -1,
      1,
      0,
      0.1 * 3,
    ]);
    expect(CANDIDATE_SUMS).toBe(1);
    expect(BASELINE_SUMS).toBe(3);
  });
});

/** A tally of 3 decisions of one bucket, without features: Σw = 1.5, Σw² = 4.25, one clipped. */
function exampleTally(): OpeTally {
  const counts = emptyCounts(2);
  Object.assign(counts, { decisions: 7, heldOut: 4, learners: 2, rewards: 2, historyDependent: 1 });
  Object.assign(counts.weights, { sum: 1.5, squares: 4.25, largest: 2, clipped: 1 });
  const buckets = new Float64Array(BUCKETS * BUCKET_COLUMNS);
  buckets.set([3, 1.5, 1.5, 3, 2], 0);
  // The reward model sees 3 decisions with outcome 1, 0, 1, in fold 1 (bucket 0's is fold 0).
  const x = new Float64Array(WIDTH);
  x[0] = 1;
  for (const reward of [1, 0, 1]) addRewardRow(counts.reward, 1, x, [0], reward);
  return { ...counts, decisionLines: 7, outcomeLines: 5, buckets };
}

describe(weightDiagnostics.name, () => {
  it('reports the effective sample size, the largest and mean weight and the shares', () => {
    expect(weightDiagnostics(exampleTally(), 0.002)).toEqual({
      effective_sample_size: 2.25 / 4.25,
      max_weight: 2,
      mean_weight: 0.5,
      clipped_share: 1 / 3,
      unsupported_share: 0.002,
      history_dependent_share: 1 / 3,
    });
  });
});

describe(opeReport.name, () => {
  it('puts the estimates, the baseline, the difference and the diagnostics in one report', () => {
    const sut = opeReport(
      exampleTally(),
      { unsupportedShare: 0, baseline: 'the logging policy' },
      { clip: 100, rewardDays: 1, resamples: 100, folds: 2, seed: 1 },
    );
    expect(Object.keys(sut)).toEqual([
      'ips',
      'snips',
      'dr',
      'baseline',
      'difference',
      'diagnostics',
      'decisions',
      'learners',
      'held_out',
      'logged_value',
      'clip',
      'reward_days',
      'bootstrap',
      'folds',
      'seed',
    ]);
    expect(sut.baseline.policy).toBe('the logging policy');
    expect(sut.logged_value).toBeCloseTo(2 / 3, 12);
    expect(sut.decisions).toBe(3);
    expect(sut.learners).toBe(2);
    expect(sut.held_out).toBe(4);
    expect(sut.snips.value).toBeCloseTo(1, 12);
    expect(sut.baseline.snips.value).toBeCloseTo(2 / 3, 12);
    expect(sut.difference.snips.value).toBeCloseTo(1 / 3, 12);
    // Fold 0's model is fitted on fold 1 alone, an intercept of 2/3 with ridge 0 on it; V is 0,
    // so DR is Σw·r / n.
    expect(sut.dr.value).toBeCloseTo(0.5, 12);
  });
});
