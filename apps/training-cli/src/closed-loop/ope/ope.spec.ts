import {
  learnerSums,
  OpeDecision,
  opeReport,
  pairedEstimates,
  quantile,
  weightDiagnostics,
} from './ope';

const decision = (
  learner: number,
  reward: number,
  predicted: number,
  candidate: [number, number],
  baseline: [number, number] = [1, predicted],
): OpeDecision => ({
  learner,
  reward,
  predicted,
  candidate: { weight: candidate[0], direct: candidate[1] },
  baseline: { weight: baseline[0], direct: baseline[1] },
});

/**
 * Candidate: Σw = 1.5, Σw·r = 1.5, DR terms 0.6 + 2·(1 − 0.5) = 1.6, 0.1 + 0 = 0.1 and
 * 0.3 − 0.5·(1 − 0.4) = 0, so IPS 0.5, SNIPS 1 and DR 1.7/3. Baseline (the logging policy, weight
 * 1): IPS = SNIPS = DR = 2/3.
 */
const DECISIONS = [
  decision(0, 1, 0.5, [2, 0.6]),
  decision(0, 0, 0.2, [0, 0.1]),
  decision(1, 1, 0.4, [-0.5, 0.3]),
];

describe(pairedEstimates.name, () => {
  it('gives IPS, SNIPS and DR for candidate and baseline, and their difference', () => {
    const { sums } = learnerSums(DECISIONS, 2, 100);
    const sut = pairedEstimates(sums, 200, 1);
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

  it('clips each weight to [−clip, clip] and counts the decisions it cut', () => {
    const { sums, clipped } = learnerSums(DECISIONS, 2, 1.5);
    expect(clipped).toBe(1);
    // The weight 2 becomes 1.5: Σw = 1, Σw·r = 1.
    expect(pairedEstimates(sums, 100, 1).candidate.ips.value).toBeCloseTo(1 / 3, 12);
    expect(learnerSums(DECISIONS, 2, 0.25).clipped).toBe(2);
  });

  it('resamples learners, keeping their decisions together', () => {
    // Learner 0 acted on all three decisions, learner 1 on none of one. A replicate draws
    // both learners (3/4), learner 0 twice (1) or learner 1 twice (0): nothing else.
    const decisions = [
      decision(0, 1, 0, [1, 0]),
      decision(0, 1, 0, [1, 0]),
      decision(0, 1, 0, [1, 0]),
      decision(1, 0, 0, [1, 0]),
    ];
    const { sums } = learnerSums(decisions, 2, 100);
    const sut = pairedEstimates(sums, 1000, 7);
    expect(sut.candidate.ips.value).toBeCloseTo(0.75, 12);
    expect(sut.candidate.ips.ci95).toEqual([0, 1]);
    // Candidate and baseline are the same policy here: every paired difference is 0.
    expect(sut.difference.ips.ci95).toEqual([0, 0]);
  });

  it('repeats its intervals for the same seed, and a single learner has no spread', () => {
    const { sums } = learnerSums(DECISIONS, 2, 100);
    expect(pairedEstimates(sums, 300, 5)).toEqual(pairedEstimates(sums, 300, 5));
    const one = learnerSums([DECISIONS[0], DECISIONS[1]], 1, 100).sums;
    const sut = pairedEstimates(one, 100, 1);
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

describe(weightDiagnostics.name, () => {
  it('reports the effective sample size, the largest and mean weight and the shares', () => {
    // Σw = 1.5, Σw² = 4.25.
    expect(weightDiagnostics(DECISIONS, 1, 0.002, 1)).toEqual({
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
      {
        decisions: DECISIONS,
        learners: 2,
        heldOut: 4,
        unsupportedShare: 0,
        historyDependent: 0,
        baseline: 'the logging policy',
      },
      { clip: 100, rewardDays: 1, resamples: 100, folds: 5, seed: 1 },
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
    expect(sut.difference.snips.value).toBeCloseTo(1 / 3, 12);
  });
});
